/**
 * Hostile SD-JWT structure (issue 18 §1 and §4) against the real gateway and
 * policy worker in an isolated Kafka namespace. Every token is validly signed by
 * its originator's demo key, yet its shape would undo the hub's redaction or be
 * read differently by another parser: a disclosure named __proto__, disclosable
 * fields (a minor's identity) signed in clear, names outside the schema,
 * disclosures of always-visible fields, duplicate JSON member names.
 * At the gateway each is a 400 with its reason code and no submission; injected
 * straight into hub.submissions each is one dead letter with that reason and no
 * decision, so no recipient receives anything. A good publish still flows.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import type { Admin, Producer } from '@liaison/kafka';
import { issueSdJwt, signAgencyToken } from '@liaison/crypto';
import { agencySigner, readAgencyKeyFile } from '@liaison/local-files';
import { disclosablePathsOf } from '@liaison/messages';
import {
  RawJson,
  craftDisclosure,
  craftSdJwt,
  digestOf,
  discloseInto,
  openSdJwt,
  resignSdJwt,
  type OpenedSdJwt,
} from '../../libs/crypto/src/testing/sd-jwt-crafting';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
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
  directoryAgencies,
  freshExample,
  groupLag,
  kafkaClient,
  newNamespace,
  readCommitted,
  signedMessage,
  sleep,
  submissionCodec,
  submissionOf,
  topicsOf,
  type SignedMessage,
} from '../chaos/chaos-support';

jest.setTimeout(5 * 60_000);

const AUDIENCE = 'liaison-hub';
const ORIGINATOR = 'nl-knp';
const FILE = 'alert-victim-at-risk.json'; // nl-knp; subject 0 is a minor victim

const keys = readAgencyKeyFile(DEMO_KEYS_DIR, ORIGINATOR);
const signer = agencySigner(keys);

function tokenOf(agency: string): string {
  return signAgencyToken(
    { agencyId: agency, audience: AUDIENCE, jti: randomUUID(), now: Date.now },
    agencySigner(readAgencyKeyFile(DEMO_KEYS_DIR, agency)),
  );
}

/** The honest message, re-signed by its originator after `mutate`. */
async function tampered(mutate: (o: OpenedSdJwt) => void): Promise<SignedMessage> {
  const m = await signedMessage(FILE);
  return { ...m, sdJwt: resignSdJwt(m.sdJwt, signer, mutate) };
}

/** The message signed with only some of its disclosable paths as disclosures. */
async function withPaths(keep: (path: string) => boolean): Promise<SignedMessage> {
  const json = freshExample(FILE);
  const iat = Math.floor(Date.now() / 1000);
  const sdJwt = await issueSdJwt({
    claims: {
      ...json,
      jti: json.messageId,
      iss: ORIGINATOR,
      iat,
      exp: iat + 3600,
      liaison_kind: 'ALERT',
    },
    disclosablePaths: disclosablePathsOf('ALERT').filter(keep),
    signer: {
      privateJwk: keys.signing.privateJwk,
      kid: keys.signing.kid,
      alg: keys.signing.alg === 'ES256' ? 'ES256' : 'EdDSA',
    },
  });
  return {
    messageId: String(json.messageId),
    originator: ORIGINATOR,
    kind: 'ALERT',
    sdJwt,
    json,
  };
}

/** The payload's JSON text with `member` put first (so JSON.parse would keep the signed one). */
async function duplicated(member: string): Promise<SignedMessage> {
  const m = await signedMessage(FILE);
  const o = openSdJwt(m.sdJwt);
  const text = JSON.stringify(o.payload).replace(/^\{/, `{${member},`);
  return { ...m, sdJwt: craftSdJwt(signer, new RawJson(text), o.disclosures, o.header) };
}

type Case = readonly [label: string, expected: string, make: () => Promise<SignedMessage>];

const cases: Case[] = [
  [
    'a disclosure named __proto__ carrying a narrative',
    'sdjwt.forbidden-claim-name',
    () =>
      tampered((o) => discloseInto(o, o.payload, '__proto__', { narrative: 'via the prototype' })),
  ],
  [
    'a disclosure named constructor',
    'sdjwt.forbidden-claim-name',
    () => tampered((o) => discloseInto(o, o.payload, 'constructor', { headline: 'x' })),
  ],
  [
    'a plain claim named prototype',
    'sdjwt.forbidden-claim-name',
    () => tampered((o) => (o.payload.prototype = { narrative: 'x' })),
  ],
  [
    "the minor's identity signed in clear",
    'sdjwt.disclosable-in-clear',
    () => withPaths((p) => !p.startsWith('subjects[].identity')),
  ],
  [
    'the narrative signed in clear',
    'sdjwt.disclosable-in-clear',
    () => withPaths((p) => p !== 'narrative'),
  ],
  ['the whole message in clear', 'sdjwt.disclosable-in-clear', () => withPaths(() => false)],
  [
    'a plain claim outside the schema',
    'sdjwt.unknown-claim',
    () => tampered((o) => (o.payload.shoeSize = 42)),
  ],
  [
    'a disclosure outside the schema',
    'sdjwt.unknown-claim',
    () => tampered((o) => discloseInto(o, o.payload, 'nickname', 'Mara')),
  ],
  [
    'urgency (always visible) sent as a disclosure',
    'sdjwt.not-disclosable',
    () =>
      tampered((o) => {
        const urgency = o.payload.urgency;
        delete o.payload.urgency;
        discloseInto(o, o.payload, 'urgency', urgency);
      }),
  ],
  ['a duplicate iss in the payload', 'sdjwt.duplicate-member', () => duplicated('"iss":"de-bka"')],
  [
    'a duplicate caseRef, one name escaped',
    'sdjwt.duplicate-member',
    () => duplicated('"c\\u0061seRef":"XX-FORGED"'),
  ],
  [
    'a duplicate member inside a disclosure',
    'sdjwt.duplicate-member',
    () =>
      tampered((o) => {
        const encoded = craftDisclosure('headline', 'x').replace(/=+$/, '');
        const text = Buffer.from(encoded, 'base64url')
          .toString('utf8')
          .replace(/"x"\]$/, '{"a":1,"a":2}]');
        const forged = Buffer.from(text).toString('base64url');
        const sd = o.payload._sd as string[];
        const headline = o.disclosures.findIndex((d) =>
          Buffer.from(d, 'base64url').toString('utf8').includes('"headline"'),
        );
        sd.splice(sd.indexOf(digestOf(o.disclosures[headline] ?? '')), 1, digestOf(forged));
        o.disclosures[headline] = forged;
      }),
  ],
];

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
}

describe('hostile SD-JWT structure', () => {
  const ns = newNamespace('sdjwt');
  const topics = topicsOf(ns);
  const env = { KAFKA_NAMESPACE: ns, GATEWAY_RATE_LIMIT_PER_MINUTE: '100000' };
  let gateway: StartedApp;
  let policy: StartedApp;
  let base = '';
  let producer: Producer;
  let admin: Admin;

  async function call(
    method: string,
    route: string,
    options: { token?: string; body?: string; type?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token ?? tokenOf(ORIGINATOR)}`,
    };
    if (options.type) headers['content-type'] = options.type;
    const res = await fetch(`${base}${route}`, { method, headers, body: options.body });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
    } catch {
      code = undefined;
    }
    return { status: res.status, code };
  }

  const publish = (sdJwt: string): Promise<Answer> =>
    call('POST', '/v1/alerts', { body: sdJwt, type: 'application/sd+jwt' });

  beforeAll(async () => {
    await seedNamespace();
    await createNamespaceTopics(topics, await directoryAgencies());
    const kafka = kafkaClient(`sdjwt-${ns}`);
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    [policy, gateway] = await Promise.all([
      startApp('policy', { ...env, POLICY_WORKER_ID: `sdjwt-${ns}` }),
      startApp('gateway', env),
    ]);
    base = `http://127.0.0.1:${gateway.port}`;
  });

  afterAll(async () => {
    await Promise.all([stopApp(gateway), stopApp(policy)]);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await deleteNamespaceTopics(ns);
    await dropNamespaceDatabase();
  });

  describe('at the gateway: 400 with the reason, nothing accepted', () => {
    it.each(cases)('%s → 400 %s', async (_label, expected, make) => {
      const m = await make();
      expect(await publish(m.sdJwt)).toEqual({ status: 400, code: expected });
      expect((await call('GET', `/v1/submissions/${m.messageId}`)).status).toBe(404);
    });

    it('an agency token with a duplicate iss → 400 token.duplicate-member', async () => {
      const token = tokenOf(ORIGINATOR);
      const [h = '', p = ''] = token.split('.');
      const payload = Buffer.from(p, 'base64url').toString('utf8');
      const doubled = Buffer.from(`{"iss":"de-bka",${payload.slice(1)}`).toString('base64url');
      const input = `${h}.${doubled}`;
      const forged = `${input}.${signer.sign(input).toString('base64url')}`;
      expect(await call('GET', '/v1/feed', { token: forged })).toEqual({
        status: 400,
        code: 'token.duplicate-member',
      });
    });

    it('an agency token with a duplicate typ header → 400 token.duplicate-member', async () => {
      const token = tokenOf(ORIGINATOR);
      const [h = '', p = ''] = token.split('.');
      const header = Buffer.from(h, 'base64url').toString('utf8');
      const doubled = Buffer.from(`{"typ":"liaison-officer+jwt",${header.slice(1)}`).toString(
        'base64url',
      );
      const input = `${doubled}.${p}`;
      const forged = `${input}.${signer.sign(input).toString('base64url')}`;
      expect(await call('GET', '/v1/feed', { token: forged })).toEqual({
        status: 400,
        code: 'token.duplicate-member',
      });
    });
  });

  describe('injected into hub.submissions: one dead letter with the reason, no decision', () => {
    const injected: { label: string; expected: string; key: string; messageId: string }[] = [];
    const reasons = new Map<string, string[]>();
    const decided = new Set<string>();

    beforeAll(async () => {
      for (const [label, expected, make] of cases) {
        const m = await make();
        const key = `sdjwt-${randomUUID()}`;
        injected.push({ label, expected, key, messageId: m.messageId });
        await producer.send({
          topic: topics.submissions,
          messages: [{ key, value: submissionCodec.encode(submissionOf(m)) }],
        });
      }
      const deadline = Date.now() + 90_000;
      while (
        Date.now() < deadline &&
        (await groupLag(admin, `${ns}.liaison-policy`, topics.submissions)) !== 0n
      )
        await sleep(500);
      for (const r of await readCommitted([topics.deadLetters, topics.decisions])) {
        if (r.topic === topics.deadLetters) {
          const letter = deadLetterCodec.decode(r.value ?? Buffer.alloc(0));
          reasons.set(letter.key ?? '', [
            ...(reasons.get(letter.key ?? '') ?? []),
            letter.reasonCode,
          ]);
        } else {
          decided.add(decisionCodec.decode(r.value ?? Buffer.alloc(0)).messageId);
        }
      }
    });

    it.each(cases.map(([label, expected]) => [label, expected] as const))(
      '%s → dead letter %s',
      (label, expected) => {
        const entry = injected.find((i) => i.label === label);
        expect(entry).toBeDefined();
        expect({ label, reasons: reasons.get(entry?.key ?? '') ?? [] }).toEqual({
          label,
          reasons: [expected],
        });
        expect(decided.has(entry?.messageId ?? '')).toBe(false);
      },
    );
  });

  it('after the corpus a good publish is still accepted and decided', async () => {
    const m = await signedMessage(FILE);
    expect((await publish(m.sdJwt)).status).toBe(202);
    const deadline = Date.now() + 60_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      const records = await readCommitted([topics.decisions], { idleMs: 2000 });
      found = records.some(
        (r) => decisionCodec.decode(r.value ?? Buffer.alloc(0)).messageId === m.messageId,
      );
    }
    expect(found).toBe(true);
    expect(gateway.process.exitCode).toBeNull();
    expect(policy.process.exitCode).toBeNull();
  });
});
