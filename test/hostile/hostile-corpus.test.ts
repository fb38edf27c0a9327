/**
 * Hostile input corpus (issue #8 §3, issue #7 "abuse tests") against the real
 * gateway and policy worker in an isolated Kafka namespace: forged, replayed and
 * confused tokens, identity claims, cross-agency reads, injection in query
 * parameters, huge and deeply nested bodies, wrong content types, slow-loris,
 * a flood above the rate limit, poison records injected straight into
 * hub.submissions, and hostile CLI arguments. Every case expects its specific
 * status and error code; at the end a good publish still reaches the feed.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Admin, Producer } from '@liaison/kafka';
import {
  agencySigner,
  officerSigner,
  readAgencyKeyFile,
  readOfficerKeyFile,
} from '@liaison/local-files';
import { signAgencyToken, signOfficerToken } from '@liaison/crypto';
import { readMessages } from '../../apps/cli/src/commands/publish.command';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  runCli,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import {
  createNamespaceTopics,
  deadLetterCodec,
  decisionCodec,
  deleteNamespaceTopics,
  deliveryCodec,
  directoryAgencies,
  groupLag,
  kafkaClient,
  newNamespace,
  readCommitted,
  signedMessage,
  sleep,
  topicsOf,
} from '../chaos/chaos-support';
import { poisonCorpus, type Poison } from '../chaos/poison-corpus';

jest.setTimeout(5 * 60_000);

const RATE_LIMIT_PER_MINUTE = 120; // burst 20, then 2/s
const AUDIENCE = 'liaison-hub';

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly body: unknown;
}

function tokenOf(
  agency: string,
  patch: Partial<{
    audience: string;
    lifetimeSec: number;
    now: () => number;
    signer: string;
    agencyId: string;
  }> = {},
): string {
  const keys = readAgencyKeyFile(DEMO_KEYS_DIR, patch.signer ?? agency);
  return signAgencyToken(
    {
      agencyId: patch.agencyId ?? agency,
      audience: patch.audience ?? AUDIENCE,
      jti: randomUUID(),
      now: patch.now ?? Date.now,
      lifetimeSec: patch.lifetimeSec,
    },
    agencySigner(keys),
  );
}

/** A token of the demo's enrolled officer anna (nl-knp), or one the agency key signs in her name. */
function officerTokenOf(
  agency: string,
  roles: string[],
  signedBy: 'officer' | 'agency' = 'officer',
  officerId = 'anna',
): string {
  return signOfficerToken(
    {
      agencyId: agency,
      officerId,
      roles: roles as never,
      audience: AUDIENCE,
      jti: randomUUID(),
      now: Date.now,
    },
    signedBy === 'officer'
      ? officerSigner(readOfficerKeyFile(DEMO_KEYS_DIR, agency, 'anna'))
      : agencySigner(readAgencyKeyFile(DEMO_KEYS_DIR, agency)),
  );
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function reHeader(jwt: string, patch: Record<string, unknown>, signature?: string): string {
  const [h = '', p = '', s = ''] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return `${b64({ ...header, ...patch })}.${p}.${signature ?? s}`;
}

function rePayload(jwt: string, patch: Record<string, unknown>): string {
  const [h = '', p = '', s = ''] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return `${h}.${b64({ ...payload, ...patch })}.${s}`;
}

describe('hostile input corpus', () => {
  const ns = newNamespace('hostile');
  const topics = topicsOf(ns);
  const env = { KAFKA_NAMESPACE: ns, GATEWAY_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) };
  const auditBuilt = existsSync(path.join(ROOT, 'dist/apps/audit/src/main.js'));
  let gateway: StartedApp;
  let policy: StartedApp;
  let audit: StartedApp | undefined;
  let base = '';
  let producer: Producer;
  let admin: Admin;

  async function call(
    method: string,
    route: string,
    options: {
      token?: string | null;
      auth?: string;
      body?: string | Buffer;
      type?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== undefined) headers.authorization = options.auth;
    else if (options.token !== null)
      headers.authorization = `Bearer ${options.token ?? tokenOf('nl-knp')}`;
    if (options.type) headers['content-type'] = options.type;
    const res = await fetch(`${base}${route}`, { method, headers, body: options.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    const code = (body as { error?: { code?: string } } | null)?.error?.code;
    return { status: res.status, code, body };
  }

  const publishSdJwt = async (agency: string, sdJwt: string, token?: string): Promise<Answer> =>
    call('POST', '/v1/alerts', {
      token: token ?? tokenOf(agency),
      body: sdJwt,
      type: 'application/sd+jwt',
    });

  beforeAll(async () => {
    await seedNamespace();
    await createNamespaceTopics(topics, await directoryAgencies());
    const kafka = kafkaClient(`hostile-${ns}`);
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    [policy, gateway] = await Promise.all([
      startApp('policy', { ...env, POLICY_WORKER_ID: `hostile-${ns}` }),
      startApp('gateway', env),
    ]);
    if (auditBuilt) audit = await startApp('audit', env);
    base = `http://127.0.0.1:${gateway.port}`;
  });

  afterAll(async () => {
    await Promise.all([stopApp(gateway), stopApp(policy), stopApp(audit)]);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await deleteNamespaceTopics(ns);
    await dropNamespaceDatabase();
  });

  // ---------------------------------------------------------------- HTTP: tokens
  describe('tokens: forged, replayed, confused', () => {
    const feed = (auth: { token?: string; auth?: string }): Promise<Answer> =>
      call('GET', '/v1/feed', auth);
    const cases: [string, () => Promise<Answer>, number, string][] = [
      [
        'no Authorization header',
        () => call('GET', '/v1/feed', { token: null }),
        401,
        'auth.missing-token',
      ],
      [
        'Basic instead of Bearer',
        () => feed({ auth: 'Basic bmwta25wOnB3' }),
        401,
        'auth.malformed-header',
      ],
      [
        'Bearer with spaces and quotes',
        () => feed({ auth: 'Bearer a b "c"' }),
        401,
        'auth.malformed-header',
      ],
      ['opaque garbage token', () => feed({ token: 'abc.def.ghi' }), 401, 'token.bad-typ'],
      ['token over 8 KiB', () => feed({ token: 'a'.repeat(9000) }), 401, 'token.too-large'],
      [
        'forged: claims de-bka, signed with nl-knp key',
        () => feed({ token: tokenOf('de-bka', { signer: 'nl-knp' }) }),
        401,
        'token.unknown-kid',
      ],
      [
        'forged: nl-knp key, header kid rewritten to de-bka key',
        () =>
          feed({
            token: reHeader(tokenOf('de-bka', { signer: 'nl-knp' }), {
              kid: readAgencyKeyFile(DEMO_KEYS_DIR, 'de-bka').signing.kid,
            }),
          }),
        401,
        'token.bad-signature',
      ],
      [
        'tampered payload (iss changed after signing)',
        () => feed({ token: rePayload(tokenOf('nl-knp'), { iss: 'de-bka' }) }),
        401,
        'token.unknown-kid',
      ],
      [
        'alg none',
        () => feed({ token: reHeader(tokenOf('nl-knp'), { alg: 'none' }, '') }),
        401,
        'token.alg-none',
      ],
      [
        'unknown kid',
        () => feed({ token: reHeader(tokenOf('nl-knp'), { kid: 'nobody' }) }),
        401,
        'token.unknown-kid',
      ],
      [
        'token for another audience',
        () => feed({ token: tokenOf('nl-knp', { audience: 'other-hub' }) }),
        401,
        'token.wrong-audience',
      ],
      [
        'expired token',
        () => feed({ token: tokenOf('nl-knp', { now: () => Date.now() - 20 * 60_000 }) }),
        401,
        'token.expired',
      ],
      [
        'lifetime over 5 minutes',
        () => feed({ token: tokenOf('nl-knp', { lifetimeSec: 3600 }) }),
        401,
        'token.lifetime-too-long',
      ],
      [
        'iat in the future',
        () => feed({ token: tokenOf('nl-knp', { now: () => Date.now() + 20 * 60_000 }) }),
        401,
        'token.iat-in-future',
      ],
      [
        'replayed token (second use)',
        async () => {
          const token = tokenOf('nl-knp');
          const first = await feed({ token });
          if (first.status !== 200) return first;
          return feed({ token });
        },
        409,
        'token.replayed',
      ],
      [
        'officer token (liaison) where a publisher is needed',
        () =>
          call('POST', '/v1/alerts', {
            token: officerTokenOf('nl-knp', ['liaison']),
            body: 'x~',
            type: 'application/sd+jwt',
          }),
        403,
        'auth.role-required',
      ],
      [
        'agency token on an officer route (policy drafts)',
        () =>
          call('POST', '/v1/policies/drafts', {
            token: tokenOf('nl-knp'),
            body: '{}',
            type: 'application/json',
          }),
        403,
        'auth.role-required',
      ],
      [
        'officer claims a role beyond their enrolment (admin)',
        () => feed({ token: officerTokenOf('nl-knp', ['admin']) }),
        403,
        'token.role-not-enrolled',
      ],
      [
        'officer token signed by the agency key (a name the agency wrote in)',
        () => feed({ token: officerTokenOf('nl-knp', ['subscriber'], 'agency') }),
        401,
        'token.officer-key-required',
      ],
      [
        "officer token naming another officer than the key's",
        () => feed({ token: officerTokenOf('nl-knp', ['subscriber'], 'officer', 'pia') }),
        401,
        'token.officer-mismatch',
      ],
      [
        'officer token without the subscriber role reads a feed',
        () => feed({ token: officerTokenOf('nl-knp', ['policy-author']) }),
        403,
        'auth.role-required',
      ],
    ];
    it.each(cases)('%s', async (_name, run, status, code) => {
      const answer = await run();
      expect({ status: answer.status, code: answer.code }).toEqual({ status, code });
    });
  });

  // ------------------------------------------------- HTTP: identity and cross-agency
  describe('identity claims and cross-agency reads', () => {
    it('A-signed message claiming originatorAgency B (A token) → 403 message.originator-mismatch', async () => {
      const m = await signedMessage(
        'alert-suspect-movement.json',
        (j) => (j.originatorAgency = 'nl-knp'),
        'de-bka',
      );
      const answer = await publishSdJwt('de-bka', m.sdJwt);
      expect([answer.status, answer.code]).toEqual([403, 'message.originator-mismatch']);
    });

    it('B token publishing A-signed content → 403 submission.wrong-originator', async () => {
      const m = await signedMessage('alert-suspect-movement.json');
      const answer = await publishSdJwt('nl-knp', m.sdJwt, tokenOf('nl-knp'));
      expect([answer.status, answer.code]).toEqual([403, 'submission.wrong-originator']);
    });

    it("another agency's submission status → 404 submission.not-found (same as absent)", async () => {
      const m = await signedMessage('alert-suspect-movement.json');
      expect((await publishSdJwt('de-bka', m.sdJwt)).status).toBe(202);
      const own = await call('GET', `/v1/submissions/${m.messageId}`, { token: tokenOf('de-bka') });
      expect(own.status).toBe(200);
      const other = await call('GET', `/v1/submissions/${m.messageId}`, {
        token: tokenOf('nl-knp'),
      });
      const absent = await call('GET', `/v1/submissions/${randomUUID()}`, {
        token: tokenOf('nl-knp'),
      });
      expect([other.status, other.code]).toEqual([404, 'submission.not-found']);
      expect([absent.status, absent.code]).toEqual([404, 'submission.not-found']);
    });

    it('feed ignores an agency parameter and returns only own deliveries', async () => {
      const answer = await call('GET', '/v1/feed?agency=de-bka&agencyId=de-bka&limit=1000', {
        token: tokenOf('nl-knp'),
      });
      expect(answer.status).toBe(200);
      const entries = (answer.body as { entries: { delivery: { recipientAgency?: string } }[] })
        .entries;
      for (const e of entries) expect(e.delivery.recipientAgency).toBe('nl-knp');
    });

    it('the same message id twice → 409 submission.duplicate-message-id', async () => {
      const m = await signedMessage('alert-victim-at-risk.json');
      expect((await publishSdJwt('nl-knp', m.sdJwt)).status).toBe(202);
      const again = await publishSdJwt('nl-knp', m.sdJwt);
      expect([again.status, again.code]).toEqual([409, 'submission.duplicate-message-id']);
    });
  });

  // ------------------------------------------------- HTTP: parameters and bodies
  describe('parameters and bodies', () => {
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    const cases: [string, number, string, () => Promise<Answer>][] = [
      [
        'cursor with SQL: 1;DROP TABLE feed_entry',
        400,
        'feed.bad-cursor',
        () => call('GET', `/v1/feed?after=${encodeURIComponent('1;DROP TABLE feed_entry')}`),
      ],
      [
        "cursor with ' OR 1=1--",
        400,
        'feed.bad-cursor',
        () => call('GET', `/v1/feed?after=${encodeURIComponent("0' OR 1=1--")}`),
      ],
      [
        'cursor given twice (after=1&after=2)',
        400,
        'feed.bad-cursor',
        () => call('GET', '/v1/feed?after=1&after=2'),
      ],
      [
        'cursor beyond 19 digits',
        400,
        'feed.bad-cursor',
        () => call('GET', `/v1/feed?after=${'9'.repeat(25)}`),
      ],
      ['limit 1e9', 400, 'feed.bad-limit', () => call('GET', '/v1/feed?limit=1000000000')],
      ['limit -1', 400, 'feed.bad-limit', () => call('GET', '/v1/feed?limit=-1')],
      [
        'submission id with path traversal',
        400,
        'submission.bad-id',
        () => call('GET', `/v1/submissions/${encodeURIComponent('../../etc/passwd')}`),
      ],
      [
        'submission id with SQL',
        400,
        'submission.bad-id',
        () => call('GET', `/v1/submissions/${encodeURIComponent("x' OR '1'='1")}`),
      ],
      [
        'JSON body over the 256 KiB limit',
        413,
        'request.too-large',
        () =>
          call('POST', '/v1/alerts', {
            body: JSON.stringify({ narrative: 'x'.repeat(300 * 1024) }),
            type: 'application/json',
          }),
      ],
      [
        'SD-JWT body over the limit',
        413,
        'request.too-large',
        () =>
          call('POST', '/v1/alerts', {
            body: 'a'.repeat(300 * 1024) + '~',
            type: 'application/sd+jwt',
          }),
      ],
      [
        'JSON nested 100k levels (refused by the strict parser before anything reads it)',
        400,
        'json.too-deep',
        () =>
          call('POST', '/v1/alerts', {
            token: tokenOf('uk-nca'),
            body: nested,
            type: 'application/json',
          }),
      ],
      [
        'malformed JSON',
        400,
        'json.malformed',
        () =>
          call('POST', '/v1/alerts', {
            token: tokenOf('uk-nca'),
            body: '{"a":',
            type: 'application/json',
          }),
      ],
      [
        'text/plain body',
        400,
        'submission.unsupported-media-type',
        () =>
          call('POST', '/v1/alerts', {
            token: tokenOf('uk-nca'),
            body: 'hello',
            type: 'text/plain',
          }),
      ],
      [
        'application/xml body',
        400,
        'submission.unsupported-media-type',
        () =>
          call('POST', '/v1/case-notices', {
            token: tokenOf('uk-nca'),
            body: '<a/>',
            type: 'application/xml',
          }),
      ],
      [
        'empty SD-JWT body',
        400,
        'submission.empty-body',
        () =>
          call('POST', '/v1/alerts', {
            token: tokenOf('uk-nca'),
            body: '',
            type: 'application/sd+jwt',
          }),
      ],
      [
        'SD-JWT that is not one',
        400,
        'sdjwt.malformed',
        () =>
          call('POST', '/v1/alerts', {
            token: tokenOf('uk-nca'),
            body: 'not-a-jwt~',
            type: 'application/sd+jwt',
          }),
      ],
      [
        'SD-JWT with a tampered disclosure',
        400,
        'sdjwt.disclosure-digest-mismatch',
        async () => {
          const m = await signedMessage('alert-suspect-movement.json');
          const parts = m.sdJwt.split('~');
          const d = JSON.parse(
            Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'),
          ) as unknown[];
          d[d.length - 1] = 'Someone Else';
          parts[1] = b64(d);
          return publishSdJwt('de-bka', parts.join('~'));
        },
      ],
      [
        'SD-JWT with alg none',
        401,
        'sdjwt.alg-none',
        async () => {
          const m = await signedMessage('alert-suspect-movement.json');
          const [jwt = '', ...rest] = m.sdJwt.split('~');
          return publishSdJwt('de-bka', [reHeader(jwt, { alg: 'none' }, ''), ...rest].join('~'));
        },
      ],
      [
        'case notice sent to /v1/alerts',
        400,
        'submission.wrong-kind',
        async () => {
          const m = await signedMessage('case-notice-case-update.json');
          return publishSdJwt('fr-ocriest', m.sdJwt);
        },
      ],
      [
        'Idempotency-Key with injection characters',
        400,
        'submission.bad-idempotency-key',
        async () => {
          const m = await signedMessage('alert-suspect-movement.json');
          return call('POST', '/v1/alerts', {
            token: tokenOf('de-bka'),
            body: m.sdJwt,
            type: 'application/sd+jwt',
            headers: { 'idempotency-key': "k'; DROP TABLE submission;--" },
          });
        },
      ],
    ];
    it.each(cases)('%s → %d %s', async (_name, status, code, run) => {
      const answer = await run();
      expect({ status: answer.status, code: answer.code }).toEqual({ status, code });
    });
  });

  // ------------------------------------------------- HTTP: slow clients and floods
  describe('slow-loris and flood', () => {
    function slowClient(
      chunk: (i: number) => string,
      everyMs: number,
    ): Promise<{ closedAfterMs: number; response: string }> {
      return new Promise((resolve) => {
        const started = Date.now();
        const socket = net.connect(gateway.port, '127.0.0.1');
        let response = '';
        let i = 0;
        const timer = setInterval(() => {
          if (socket.destroyed) return;
          socket.write(chunk(i));
          i++;
        }, everyMs);
        socket.on('data', (c: Buffer) => (response += c.toString('utf8')));
        const done = (): void => {
          clearInterval(timer);
          resolve({ closedAfterMs: Date.now() - started, response });
        };
        socket.on('close', done);
        socket.on('error', () => undefined);
        setTimeout(() => socket.destroy(), 60_000);
      });
    }

    it('headers sent slowly: cut off by the server, while a good request is served', async () => {
      const slow = slowClient(
        (i) => (i === 0 ? 'GET /v1/feed HTTP/1.1\r\nHost: x\r\n' : `X-Slow-${i}: 1\r\n`),
        1000,
      );
      await sleep(2000);
      const good = await call('GET', '/v1/feed', { token: tokenOf('uk-nca') });
      expect(good.status).toBe(200);
      const { closedAfterMs, response } = await slow;
      expect(closedAfterMs).toBeLessThan(45_000);
      expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
      console.log(
        `slow headers: closed after ${closedAfterMs} ms (${response.split('\r\n')[0] || 'no response'})`,
      );
    });

    it('body sent slowly: cut off by the server, while a good request is served', async () => {
      const head = `POST /v1/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokenOf('uk-nca')}\r\nContent-Type: application/sd+jwt\r\nContent-Length: 100000\r\n\r\n`;
      const first = [head];
      const slow = slowClient((i) => (i === 0 ? (first[0] ?? '') : 'a'), 500);
      await sleep(2000);
      const good = await call('GET', '/v1/feed', { token: tokenOf('th-dsi') });
      expect(good.status).toBe(200);
      const { closedAfterMs, response } = await slow;
      expect(closedAfterMs).toBeLessThan(50_000);
      expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
      console.log(
        `slow body: closed after ${closedAfterMs} ms (${response.split('\r\n')[0] || 'no response'})`,
      );
    });

    it('flood above the rate limit → 429 rate.limited for that agency; another agency is served', async () => {
      const m = await signedMessage('alert-missing-person.json');
      const flood = await Promise.all(
        Array.from({ length: 40 }, () =>
          call('POST', '/v1/alerts', {
            token: tokenOf('th-dsi'),
            body: 'x~',
            type: 'application/sd+jwt',
          }),
        ),
      );
      const limited = flood.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(new Set(limited.map((a) => a.code))).toEqual(new Set(['rate.limited']));
      // the rest were refused for their content, not served blindly
      expect(new Set(flood.filter((a) => a.status !== 429).map((a) => a.code))).toEqual(
        new Set(['sdjwt.malformed']),
      );
      const other = await publishSdJwt('th-dsi', m.sdJwt);
      expect([other.status, other.code]).toEqual([429, 'rate.limited']);
      const served = await publishSdJwt(
        'ph-iacat',
        (await signedMessage('alert-recruitment-advert.json')).sdJwt,
      );
      expect(served.status).toBe(202);
    });
  });

  // ------------------------------------------------- Kafka: poison straight into submissions
  describe('Kafka: records injected into hub.submissions', () => {
    let poison: Poison[] = [];
    const outcome = new Map<string, string[]>();

    beforeAll(async () => {
      const corpus = await poisonCorpus();
      poison = corpus.poison;
      const { submissionCodec, submissionOf } = await import('../chaos/chaos-support');
      await producer.send({
        topic: topics.submissions,
        messages: corpus.replayOriginals.map((m) => ({
          key: m.messageId,
          value: submissionCodec.encode(submissionOf(m)),
        })),
      });
      for (const p of poison)
        await producer.send({
          topic: topics.submissions,
          messages: [{ key: p.key, value: p.value }],
        });
      const deadline = Date.now() + 90_000;
      while (
        Date.now() < deadline &&
        (await groupLag(admin, `${ns}.liaison-policy`, topics.submissions)) !== 0n
      )
        await sleep(500);
      for (const r of await readCommitted([topics.deadLetters])) {
        const letter = deadLetterCodec.decode(r.value ?? Buffer.alloc(0));
        outcome.set(letter.key ?? '', [
          ...(outcome.get(letter.key ?? '') ?? []),
          letter.reasonCode,
        ]);
      }
    });

    it('has at least 20 poison records', () => expect(poison.length).toBeGreaterThanOrEqual(20));

    it.each(Array.from({ length: 21 }, (_, i) => i))(
      'poison #%d lands on the DLQ once with its reason',
      (i) => {
        const p = poison[i];
        if (!p) return;
        expect({ label: p.label, reasons: outcome.get(p.key) ?? [] }).toEqual({
          label: p.label,
          reasons: [p.expected],
        });
      },
    );
  });

  // ------------------------------------------------- CLI: hostile file arguments
  describe('CLI: hostile arguments', () => {
    const cli = (args: string[]): ReturnType<typeof runCli> => runCli(['--hub', base, ...args]);

    it('publish ../../etc/passwd → refused, non-zero exit, nothing published', async () => {
      const r = await cli(['--agency', 'nl-knp', 'publish', '../../../../../../etc/passwd']);
      expect(r.code).not.toBe(0);
      expect(r.stderr + r.stdout).toMatch(/JSON|refused|not/i);
      expect(r.stdout).not.toMatch(/accepted [0-9a-f-]{36}/);
    });

    it('publish /dev/zero → "not a regular file", exit 1', async () => {
      const r = await cli(['--agency', 'nl-knp', 'publish', '/dev/zero']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not a regular file/);
    });

    it('publish a file name with a NUL byte → refused before touching the file system', () => {
      expect(() =>
        readMessages('schemas/examples/alert-victim-at-risk.json\0../../etc/passwd', () => ''),
      ).toThrow(/NUL byte/);
    });

    it('--agency with path traversal → refused, exit non-zero', async () => {
      const r = await cli([
        '--agency',
        '../../etc/passwd',
        'publish',
        'schemas/examples/alert-victim-at-risk.json',
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/not an agency id/);
    });

    it('publish a missing file → clear error, exit 1', async () => {
      const r = await cli(['--agency', 'nl-knp', 'publish', '/nonexistent/alert.json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/ENOENT|no such file/i);
    });
  });

  // ------------------------------------------------- still up, good traffic still flows
  it('after the corpus: the hub is up and a good publish reaches the recipient feed', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    expect(gateway.process.exitCode).toBeNull();
    expect(policy.process.exitCode).toBeNull();
    const m = await signedMessage('alert-trafficking-route.json');
    const accepted = await publishSdJwt('ro-diicot', m.sdJwt);
    expect(accepted.status).toBe(202);
    // Which recipients: the worker's Decision (read_committed), then each one's feed topic.
    const agencies = await directoryAgencies();
    const deadline = Date.now() + 60_000;
    let entitled: string[] | undefined;
    let deliveredTo: string[] = [];
    while (Date.now() < deadline) {
      const records = await readCommitted(
        [topics.decisions, ...agencies.map((a) => topics.feed(a))],
        {
          idleMs: 3000,
        },
      );
      const decision = records
        .filter((r) => r.topic === topics.decisions)
        .map((r) => decisionCodec.decode(r.value ?? Buffer.alloc(0)))
        .find((d) => d.messageId === m.messageId);
      entitled = decision?.outcomes
        .filter((o) => o.decision !== 'DENIED')
        .map((o) => o.recipientAgency);
      deliveredTo = records
        .filter((r) => r.topic !== topics.decisions)
        .map((r) => deliveryCodec.decode(r.value ?? Buffer.alloc(0)))
        .filter((d) => d.messageId === m.messageId)
        .map((d) => d.recipientAgency);
      if (decision) break;
    }
    if (!entitled) {
      const lag = await groupLag(admin, `${ns}.liaison-policy`, topics.submissions);
      console.log(`good publish not decided: lag ${lag}\n${policy.output.join('').slice(-3000)}`);
    }
    expect(entitled?.length).toBeGreaterThan(0);
    expect([...deliveredTo].sort()).toEqual([...(entitled ?? [])].sort());
    if (audit) {
      const recipient = deliveredTo[0] ?? '';
      const seen = await (async () => {
        for (let i = 0; i < 200; i++) {
          const page = await call('GET', '/v1/feed?limit=1000', { token: tokenOf(recipient) });
          const entries =
            (page.body as { entries?: { delivery: { messageId?: string } }[] }).entries ?? [];
          if (entries.some((e) => e.delivery.messageId === m.messageId)) return true;
          await sleep(300);
        }
        return false;
      })();
      if (!seen)
        console.log(
          `feed store never showed ${m.messageId}:\n${audit.output.join('').slice(-3000)}`,
        );
      expect(seen).toBe(true);
    }
  });
});
