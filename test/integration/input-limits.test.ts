/**
 * Ambiguous and oversized input (issue 18 §4) against the real gateway and
 * policy worker, configured with small limits so each one shows in seconds:
 * numeric query parameters past their range and dates that do not exist are
 * 400s (a cursor past bigint was a 500, `from=2026-02-30` was read as 2 March);
 * a slow request is cut at the configured request timeout (was ~31 s for a
 * documented 15 s); an agency's SSE streams are capped (429 beyond), and given
 * back on close; a message whose lifetime is too long or whose `exp` is 1e300
 * is refused at the gateway (400) and dead-lettered by the worker.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { Client } from 'pg';
import { codecFor, type DeadLetter, type MessageKind } from '@liaison/contracts';
import { issueSdJwt } from '@liaison/crypto';
import { Topic, createKafkaClient } from '@liaison/kafka';
import { disclosablePathsOf } from '@liaison/messages';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { kindOfJson } from '../../apps/cli/src/message-signing';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  eventually,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';
import { testConfig } from '../support/stack';
import { freshMessage, submissionCodec } from '../support/submissions';
import { readTopics } from '../support/topic-reader';

jest.setTimeout(3 * 60_000);

const REQUEST_TIMEOUT_MS = 3000;
const MAX_STREAMS = 3;
const MAX_LIFETIME_SEC = 86_400;
const LIMITS = {
  GATEWAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  GATEWAY_MAX_STREAMS_PER_AGENCY: String(MAX_STREAMS),
  MESSAGE_MAX_LIFETIME_SECONDS: String(MAX_LIFETIME_SEC),
};

const identity = (agency: string): AgencyIdentity =>
  new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR });
/** nl-knp's enrolled liaison officer in the demo world (deploy/seed/officers.json). */
const liaisonOfficer = new AgencyIdentity({
  agency: 'nl-knp',
  keys: DEMO_KEYS_DIR,
  officer: 'anna',
  roles: 'liaison',
});

interface Answer {
  readonly status: number;
  readonly code?: string;
  readonly field?: string;
}

describe('input limits at the hub', () => {
  let gateway: StartedApp | undefined;
  let worker: StartedApp | undefined;
  let base = '';

  beforeAll(async () => {
    await seedNamespace();
    [worker, gateway] = await Promise.all([
      startApp('policy', { POLICY_WORKER_ID: `limits-${process.pid}`, ...LIMITS }),
      startApp('gateway', LIMITS),
    ]);
    base = `http://127.0.0.1:${gateway.port}`;
  }, 120_000);

  afterAll(async () => {
    await stopApp(gateway);
    await stopApp(worker);
    await dropNamespaceDatabase();
  }, 30_000);

  async function answer(res: Response): Promise<Answer> {
    const body = (await res.json().catch(() => ({}))) as {
      error?: { code?: string; details?: { field?: string } };
    };
    return {
      status: res.status,
      ...(body.error?.code ? { code: body.error.code } : {}),
      ...(body.error?.details?.field ? { field: body.error.details.field } : {}),
    };
  }

  describe('numeric and date query parameters', () => {
    const feed = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${identity('nl-knp').token()}`, ...headers },
      });
    const audit = (path: string): Promise<Response> =>
      fetch(`${base}${path}`, {
        headers: {
          authorization: `Bearer ${liaisonOfficer.token()}`,
          'x-justification': liaisonOfficer.auditJustification('GET', path, 'input limits test'),
        },
      });

    it.each<[string, () => Promise<Response>, Answer]>([
      [
        'feed cursor past bigint (was 500)',
        () => feed('/v1/feed?after=9999999999999999999'),
        { status: 400, code: 'feed.bad-cursor', field: 'after' },
      ],
      [
        'feed cursor one past bigint',
        () => feed('/v1/feed?after=9223372036854775808'),
        { status: 400, code: 'feed.bad-cursor', field: 'after' },
      ],
      ['feed cursor at bigint', () => feed('/v1/feed?after=9223372036854775807'), { status: 200 }],
      [
        'feed limit in exponent form',
        () => feed('/v1/feed?limit=1e2'),
        { status: 400, code: 'feed.bad-limit', field: 'limit' },
      ],
      [
        'SSE Last-Event-ID past bigint',
        () => feed('/v1/feed/stream', { 'last-event-id': '9999999999999999999' }),
        { status: 400, code: 'feed.bad-cursor', field: 'Last-Event-ID' },
      ],
      [
        'audit from=2026-02-30 (was read as 2 March)',
        () => audit('/v1/audit/records?from=2026-02-30'),
        { status: 400, code: 'audit.invalid-query', field: 'from' },
      ],
      [
        'audit to at 24:00',
        () => audit('/v1/audit/records?to=2026-02-28T24:00:00Z'),
        { status: 400, code: 'audit.invalid-query', field: 'to' },
      ],
      [
        'audit metrics from=2026-04-31',
        () => audit('/v1/audit/metrics?from=2026-04-31'),
        { status: 400, code: 'audit.invalid-query', field: 'from' },
      ],
      [
        'audit cursor past a safe integer',
        () => audit('/v1/audit/records?cursor=9999999999999999999'),
        { status: 400, code: 'audit.invalid-query', field: 'cursor' },
      ],
      [
        'audit record seq past a safe integer',
        () => audit('/v1/audit/records/99999999999999999999'),
        { status: 400, code: 'audit.invalid-query', field: 'seq' },
      ],
      [
        'audit checkpoints before=1e3',
        () => audit('/v1/audit/checkpoints?before=1e3'),
        { status: 400, code: 'audit.invalid-query', field: 'before' },
      ],
      ['audit a real leap day', () => audit('/v1/audit/records?from=2024-02-29'), { status: 200 }],
    ])('%s', async (_name, run, expected) => {
      expect(await answer(await run())).toEqual(expected);
    });
  });

  describe('JSON request bodies (the strict parser)', () => {
    const dryRun = (body: string): Promise<Response> =>
      fetch(`${base}/v1/policies/dry-run`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${identity('nl-knp').token()}`,
          'content-type': 'application/json',
        },
        body,
      });

    it.each<[string, string, Answer]>([
      [
        'a member given twice (JSON.parse kept the last)',
        '{"message":{},"message":{}}',
        { status: 400, code: 'json.duplicate-member' },
      ],
      ['text that is not JSON', '{"message":', { status: 400, code: 'json.malformed' }],
      ['a bare string', '"hello"', { status: 400, code: 'json.malformed' }],
    ])('%s', async (_name, body, expected) => {
      expect(await answer(await dryRun(body))).toEqual(expected);
    });

    it('a well-formed body is read as before', async () => {
      const message = freshMessage('alert-victim-at-risk', 'nl-knp');
      const res = await dryRun(JSON.stringify({ kind: 'ALERT', message }));
      const answered = (await res.json()) as {
        recipients?: { recipient: string; outcome: string }[];
      };
      expect(res.status).toBe(200);
      expect(answered.recipients?.find((r) => r.recipient === 'ro-diicot')?.outcome).toBe('FULL');
    });
  });

  describe('request timeout', () => {
    function slowClient(chunk: (i: number) => string): Promise<{ ms: number; response: string }> {
      return new Promise((resolve) => {
        const started = Date.now();
        const socket = net.connect(gateway!.port, '127.0.0.1');
        let response = '';
        let i = 0;
        const timer = setInterval(() => {
          if (!socket.destroyed) socket.write(chunk(i++));
        }, 200);
        socket.on('data', (c: Buffer) => (response += c.toString('utf8')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ ms: Date.now() - started, response });
        });
        setTimeout(() => socket.destroy(), 40_000);
      });
    }

    it('cuts a slowly sent body at the configured request timeout', async () => {
      const token = identity('nl-knp').token();
      const head = `POST /v1/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/sd+jwt\r\nContent-Length: 100000\r\n\r\n`;
      const { ms, response } = await slowClient((i) => (i === 0 ? head : 'a'));
      expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
    });

    it('cuts slowly sent headers no later than the request timeout', async () => {
      const { ms, response } = await slowClient((i) =>
        i === 0 ? 'GET /v1/feed HTTP/1.1\r\nHost: x\r\n' : `X-Slow-${i}: 1\r\n`,
      );
      expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
      expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
    });

    it('leaves each cut in the refusal log, as 408 request.timeout', async () => {
      const db = new Client({ connectionString: DATABASE_URL });
      await db.connect();
      try {
        const entries = await eventually(
          async () => {
            const { rows } = await db.query<{ status: number; source: string; code: string }>(
              `SELECT (details->>'status')::int AS status, details->>'source' AS source,
                      details->>'reasonCode' AS code
                 FROM le_log WHERE action = 'REFUSAL' AND details->>'reasonCode' = 'request.timeout'`,
            );
            return rows.length >= 2 ? rows : undefined;
          },
          20_000,
          'the two cuts in the refusal log',
        );
        expect(entries).toEqual([
          { status: 408, source: 'connection', code: 'request.timeout' },
          { status: 408, source: 'connection', code: 'request.timeout' },
        ]);
      } finally {
        await db.end();
      }
    });
  });

  describe('SSE streams per agency', () => {
    interface Stream {
      readonly status: number;
      readonly code?: string;
      close(): void;
    }

    function openStream(agency: string): Promise<Stream> {
      return new Promise((resolve, reject) => {
        const req = http.get(
          `${base}/v1/feed/stream`,
          { agent: false, headers: { authorization: `Bearer ${identity(agency).token()}` } },
          (res) => {
            const close = (): void => {
              req.destroy();
            };
            if (res.statusCode === 200) {
              resolve({ status: 200, close });
              return;
            }
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString('utf8')));
            res.on('end', () => {
              const code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
              resolve({ status: res.statusCode ?? 0, ...(code ? { code } : {}), close });
            });
          },
        );
        req.on('error', reject);
      });
    }

    it('refuses a stream beyond the cap with 429, serves others, and frees a slot on close', async () => {
      const open: Stream[] = [];
      try {
        for (let i = 0; i < MAX_STREAMS; i++) open.push(await openStream('nl-knp'));
        expect(open.map((s) => s.status)).toEqual(Array(MAX_STREAMS).fill(200));
        const beyond = await openStream('nl-knp');
        beyond.close();
        expect([beyond.status, beyond.code]).toEqual([429, 'feed.too-many-streams']);
        const other = await openStream('th-dsi');
        open.push(other);
        expect(other.status).toBe(200);
        open.shift()?.close();
        const again = await eventually(
          async () => {
            const s = await openStream('nl-knp');
            if (s.status === 200) return s;
            s.close();
            return undefined;
          },
          10_000,
          'a freed stream slot',
        );
        open.push(again);
      } finally {
        for (const s of open) s.close();
      }
    });
  });

  describe('message lifetime', () => {
    async function signedWithExp(
      agency: string,
      exp: (iat: number) => number,
    ): Promise<{ kind: MessageKind; sdJwt: string; messageId: string }> {
      const message = freshMessage('alert-suspect-movement', agency);
      const kind = kindOfJson(message);
      const iat = Math.floor(Date.now() / 1000);
      const signing = identity(agency).keys.signing;
      const sdJwt = await issueSdJwt({
        claims: { ...message, jti: message.messageId, iss: agency, iat, exp: exp(iat) },
        disclosablePaths: disclosablePathsOf(kind),
        signer: { privateJwk: signing.privateJwk, kid: signing.kid, alg: 'EdDSA' },
      });
      return { kind, sdJwt, messageId: String(message.messageId) };
    }

    const publish = async (agency: string, sdJwt: string): Promise<Answer> =>
      answer(
        await fetch(`${base}/v1/alerts`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${identity(agency).token()}`,
            'content-type': 'application/sd+jwt',
          },
          body: sdJwt,
        }),
      );

    it.each<[string, (iat: number) => number, Answer]>([
      ['exp 1e300', () => 1e300, { status: 400, code: 'sdjwt.time-claim-out-of-range' }],
      [
        'a lifetime one second past the configured one',
        (iat) => iat + MAX_LIFETIME_SEC + 1,
        { status: 400, code: 'sdjwt.lifetime-too-long' },
      ],
      ['an hour', (iat) => iat + 3600, { status: 202 }],
    ])('gateway: %s', async (_name, exp, expected) => {
      const { sdJwt } = await signedWithExp('nl-knp', exp);
      expect(await publish('nl-knp', sdJwt)).toEqual(expected);
    });

    it('worker: a submission with exp 1e300 that bypassed the gateway is dead-lettered', async () => {
      const { kind, sdJwt, messageId } = await signedWithExp('nl-knp', () => 1e300);
      const bytes = submissionCodec.encode({
        messageId,
        kind,
        originatorAgency: 'nl-knp',
        sdJwt,
        custodial: false,
        receivedAt: new Date().toISOString(),
        idempotencyKey: null,
        caseRef: null,
        correlationId: randomUUID(),
        releaseOf: null,
      });
      const kafka = createKafkaClient(
        { brokers: testConfig().kafka.brokers, clientId: 'limits-test' },
        'publisher',
      );
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({
        topic: Topic.submissions,
        messages: [{ key: messageId, value: bytes }],
      });
      await producer.disconnect();
      const letters = await readTopics<DeadLetter>(
        [Topic.deadLetters],
        codecFor('DeadLetter'),
        (records) => records.some((r) => r.value.messageId === messageId),
      );
      const letter = letters.find((r) => r.value.messageId === messageId);
      expect(letter?.value.reasonCode).toBe('sdjwt.time-claim-out-of-range');
    });
  });
});
