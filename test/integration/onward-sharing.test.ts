/**
 * Onward sharing on the real stack (policy worker, audit app, Kafka,
 * PostgreSQL, the demo world's policies): NL-KNP shares an AMBER+STRICT alert
 * with DE-BKA alone; DE-BKA re-publishes the content as its own AMBER alert,
 * the phone written another way and a field changed. The worker holds it for
 * every recipient the original marks do not allow (FR-OCRIEST among them:
 * DENIED `builtin:onward-without-consent`, in the share ledger) and still
 * delivers it to NL-KNP, the original originator. NL-KNP is asked for its
 * consent (a request on the API, logged); only it may answer, once. A grant
 * releases the held message: FR-OCRIEST receives DE-BKA's own token exactly
 * once, ledgered as a release under the request (a replayed release delivers
 * nothing more), the ledger still verifies, and the next re-publication
 * reaches FR too. A refusal delivers nothing, refuses a release naming it and
 * keeps holding the content; DE-BKA reads the refusal with its reason. Each
 * step is told on the feeds as a hub-signed OnwardConsentNotice: the request
 * to NL-KNP, the answer to DE-BKA. A grant whose release Kafka never took (the
 * state a gateway stopped between its commit and the send leaves) is sent by
 * the gateway's sweep, once.
 */
import './../support/isolated-namespace';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import {
  codecFor,
  type Decision,
  type Delivery,
  type OnwardConsentNotice,
  type Submission,
} from '@liaison/contracts';
import { HubKeyFiles } from '@liaison/local-files';
import { rootOf } from '@liaison/crypto';
import {
  SHARE_LEDGER_COLUMNS,
  ledgerRowFromColumns,
  verifyLedger,
  type LedgerRowColumns,
} from '@liaison/ledger';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { Topic, createKafkaClient, feedTopic } from '@liaison/kafka';
import { ONWARD_WITHOUT_CONSENT } from '@liaison/links';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  eventually,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';
import { freshMessage, handling, signedSubmission } from '../support/submissions';
import { readTopics } from '../support/topic-reader';
import { testConfig } from '../support/stack';

const decisionCodec = codecFor('Decision');
const submissionCodec = codecFor('Submission');
const deliveryCodec = codecFor('Delivery');

interface Alert {
  readonly originator: string;
  readonly tlp: 'AMBER' | 'AMBER_STRICT';
  readonly namedRecipients: readonly string[];
  readonly phone: string;
  readonly headline: string;
}

/** A suspect-movement alert whose only selector is one phone. */
function alert(a: Alert): Record<string, unknown> {
  return freshMessage('alert-suspect-movement', a.originator, (m) => {
    m.caseRef = null;
    m.headline = a.headline;
    const h = handling(m);
    h.tlp = a.tlp;
    h.handlingCode = 'H0';
    h.releasableTo = [];
    h.namedRecipients = [...a.namedRecipients];
    const subject = (m.subjects as Record<string, unknown>[])[0] as Record<string, unknown>;
    const identity = subject.identity as Record<string, unknown>;
    identity.dateOfBirth = null;
    identity.documents = [];
    identity.contactHandles = [{ handleType: 'PHONE', value: a.phone, platform: null }];
  });
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

interface LedgerRow {
  readonly recipient_agency: string;
  readonly decision: string;
  readonly rules: string[];
  readonly release_of: string | null;
}

/** The message's ledger rows, once the audit app wrote them. */
async function ledgered(messageId: string): Promise<LedgerRow[]> {
  return eventually(
    async () => {
      const rows = await query<LedgerRow>(
        `SELECT recipient_agency, decision, rules, release_of FROM share_ledger
          WHERE message_id = $1 ORDER BY recipient_agency, seq`,
        [messageId],
      );
      return rows.length > 0 ? rows : undefined;
    },
    60_000,
    `the ledger rows of ${messageId}`,
  );
}

const anna = new AgencyIdentity({
  agency: 'nl-knp',
  keys: DEMO_KEYS_DIR,
  officer: 'anna',
  roles: 'liaison',
});
const dieter = new AgencyIdentity({
  agency: 'de-bka',
  keys: DEMO_KEYS_DIR,
  officer: 'dieter',
  roles: 'liaison',
});

/** The agency's own token (a subscriber), to read its feed. */
function feedReader(officer: AgencyIdentity): AgencyIdentity {
  return new AgencyIdentity({
    agency: officer === anna ? 'nl-knp' : 'de-bka',
    keys: DEMO_KEYS_DIR,
  });
}

interface ConsentView {
  readonly requestId: string;
  readonly role: string;
  readonly heldMessageId: string;
  readonly originalAgency: string;
  readonly recipients: string[];
  readonly status: string;
  readonly reason: string | null;
  readonly release: string | null;
}

describe('onward sharing through the real worker, audit app and gateway', () => {
  let worker: StartedApp | undefined;
  let audit: StartedApp | undefined;
  let gateway: StartedApp | undefined;
  const base = (): string => `http://127.0.0.1:${gateway?.port ?? 0}`;

  async function call(
    who: AgencyIdentity,
    method: 'GET' | 'POST',
    target: string,
    body?: unknown,
    justification?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${base()}${target}`, {
      method,
      headers: {
        authorization: `Bearer ${who.token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(justification === undefined
          ? {}
          : { 'x-justification': who.auditJustification(method, target, justification) }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  /** An officer's answer to a request, justified by a statement signed with the officer's key. */
  function answer(
    who: AgencyIdentity,
    requestId: string,
    kind: 'grant' | 'refuse',
    body: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const target = `/v1/links/consents/${requestId}/${kind}`;
    return call(who, 'POST', target, body, `onward-sharing test: ${kind}`);
  }

  /** The onward consent notice of `event` about a request in `who`'s feed, its signature checked. */
  async function consentNotice(
    who: AgencyIdentity,
    requestId: string,
    event: string,
  ): Promise<OnwardConsentNotice> {
    const notice = await eventually(
      async () => {
        const { json } = await call(feedReader(who), 'GET', '/v1/feed?after=0&limit=1000');
        return (json.entries as { onwardConsentNotice?: OnwardConsentNotice }[])
          .map((e) => e.onwardConsentNotice)
          .find((n) => n?.requestId === requestId && n.event === event);
      },
      30_000,
      `the ${event} notice of ${requestId}`,
    );
    const hubKey = new HubKeyFiles(path.join(ROOT, '.local/hub-keys')).hubSigningKey();
    const key = await importJWK(
      hubKey.publicJwk as unknown as Parameters<typeof importJWK>[0],
      hubKey.alg,
    );
    const { payload } = await compactVerify(notice.hubSignature, key);
    const { hubSignature: _signature, ...body } = notice;
    expect(JSON.parse(Buffer.from(payload).toString('utf8'))).toEqual(body);
    return notice;
  }

  /** The consent request about a held message, as `who` lists it. */
  async function requestAbout(who: AgencyIdentity, held: string): Promise<ConsentView> {
    return eventually(
      async () => {
        const { json } = await call(who, 'GET', '/v1/links/consents');
        return (json.requests as ConsentView[]).find((r) => r.heldMessageId === held);
      },
      30_000,
      `the consent request about ${held}`,
    );
  }
  const kafka = createKafkaClient(
    { brokers: testConfig().kafka.brokers, clientId: 'onward-sharing' },
    'publisher',
  );
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  async function publish(a: Alert): Promise<string> {
    const { submission, bytes } = await signedSubmission(alert(a));
    await producer.send({
      topic: Topic.submissions,
      messages: [{ key: submission.messageId, value: bytes }],
    });
    return submission.messageId;
  }

  /** NL shares AMBER+STRICT with DE alone; once indexed and delivered, DE re-publishes it. */
  async function republished(phone: string, republishedPhone: string): Promise<string> {
    const original = await publish({
      originator: 'nl-knp',
      tlp: 'AMBER_STRICT',
      namedRecipients: ['de-bka'],
      phone,
      headline: 'Van with two minors crossing at Venlo tonight',
    });
    const rows = await ledgered(original);
    expect(rows.filter((r) => r.decision !== 'DENIED').map((r) => r.recipient_agency)).toEqual([
      'de-bka',
    ]);
    await eventually(
      async () => {
        const indexed = await query('SELECT 1 FROM link_index WHERE message_id = $1', [original]);
        return indexed.length > 0 ? true : undefined;
      },
      30_000,
      'the original in the link index',
    );
    return publish({
      originator: 'de-bka',
      tlp: 'AMBER',
      namedRecipients: [],
      phone: republishedPhone,
      headline: 'Minors moved by van through Venlo, NL border',
    });
  }

  let held = '';

  beforeAll(async () => {
    await seedNamespace();
    [worker, audit, gateway] = await Promise.all([
      startApp('policy', { POLICY_WORKER_ID: `onward-${process.pid}` }),
      startApp('audit'),
      startApp('gateway', { GATEWAY_RELEASE_RETRY_MS: '500' }),
    ]);
    await producer.connect();
    held = await republished('+40 721 555 014', '0040 (721) 555-014');
  }, 180_000);

  afterAll(async () => {
    await producer.disconnect().catch(() => undefined);
    await Promise.all([stopApp(worker), stopApp(audit), stopApp(gateway)]);
    await dropNamespaceDatabase();
  }, 30_000);

  it('holds the re-published content for FR, delivers it to NL, and ledgers the denial', async () => {
    const rows = await ledgered(held);
    const fr = rows.filter((r) => r.recipient_agency === 'fr-ocriest');
    expect(fr).toEqual([
      {
        recipient_agency: 'fr-ocriest',
        decision: 'DENIED',
        rules: [ONWARD_WITHOUT_CONSENT],
        release_of: null,
      },
    ]);
    expect(rows.find((r) => r.recipient_agency === 'nl-knp')?.decision).not.toBe('DENIED');
    const [decision] = (
      await readTopics<Decision>([Topic.decisions], decisionCodec, (r) =>
        r.some((x) => x.value.messageId === held),
      )
    )
      .filter((r) => r.value.messageId === held)
      .map((r) => r.value);
    const heldFor = decision?.onwardHolds.map((h) => h.recipientAgency) ?? [];
    expect(heldFor).toContain('fr-ocriest');
    expect(heldFor).not.toContain('nl-knp');
    expect(new Set(decision?.onwardHolds.map((h) => h.originalAgency))).toEqual(
      new Set(['nl-knp']),
    );
    // Every held recipient is a denial in the ledger, and nothing reached its feed.
    for (const agency of heldFor) {
      expect(rows.find((r) => r.recipient_agency === agency)?.rules).toEqual([
        ONWARD_WITHOUT_CONSENT,
      ]);
    }
    const feeds = await query<{ agency_id: string }>(
      `SELECT agency_id FROM feed_entry WHERE message_id = $1`,
      [held],
    );
    expect(feeds.map((f) => f.agency_id).filter((a) => heldFor.includes(a))).toEqual([]);
  }, 90_000);

  it('asks NL for consent; only NL answers, once; a grant lets FR have the next one', async () => {
    const asked = await requestAbout(anna, held);
    expect(asked).toMatchObject({
      role: 'ORIGINAL',
      originalAgency: 'nl-knp',
      status: 'PENDING',
      reason: null,
    });
    expect(asked.recipients).toContain('fr-ocriest');
    expect((await requestAbout(dieter, held)).role).toBe('REQUESTER');
    const logged = await query<{ action: string }>(
      `SELECT action FROM le_log WHERE event_key = $1`,
      [`onward-consent:${asked.requestId}`],
    );
    expect(logged).toEqual([{ action: 'DISCLOSURE' }]);
    // NL is told on its feed, signed by the hub: who passed what on, held for whom.
    expect(await consentNotice(anna, asked.requestId, 'CONSENT_REQUESTED')).toMatchObject({
      recipientAgency: 'nl-knp',
      heldMessageId: held,
      requesterAgency: 'de-bka',
      originalAgency: 'nl-knp',
      recipients: asked.recipients,
      reason: null,
    });

    const grant = `/v1/links/consents/${asked.requestId}/grant`;
    // The requester cannot consent for the original originator; it learns nothing more.
    expect(await answer(dieter, asked.requestId, 'grant', {})).toMatchObject({
      status: 404,
      json: { error: { code: 'links.consent-not-found' } },
    });
    expect(await answer(anna, asked.requestId, 'refuse', {})).toMatchObject({
      status: 400,
      json: { error: { code: 'links.invalid-consent-answer' } },
    });
    // An answer is the officer's own act: without a signed justification, nothing is answered.
    expect(await call(anna, 'POST', grant, { reason: 'FR may have it' })).toMatchObject({
      status: 400,
      json: { error: { code: 'audit.justification-required' } },
    });
    expect((await requestAbout(anna, held)).status).toBe('PENDING');
    expect(
      await answer(anna, asked.requestId, 'grant', { reason: 'FR may have it' }),
    ).toMatchObject({
      status: 200,
      json: { status: 'GRANTED', answeredBy: 'nl-knp/anna', release: 'QUEUED' },
    });
    const [answered] = await query<{ justification: string; statement: unknown }>(
      `SELECT justification, details->'statement' AS statement FROM le_log
        WHERE action = 'DISCLOSURE' AND actor = 'nl-knp/anna' AND details->>'requestId' = $1`,
      [asked.requestId],
    );
    expect(answered).toEqual({
      justification: 'onward-sharing test: grant',
      statement: { seq: expect.any(Number) as unknown, hash: expect.any(String) as unknown },
    });
    const [state] = await query<{ release: string; queued: boolean; attempts: number }>(
      `SELECT release, release_queued_at IS NOT NULL AS queued, release_attempts AS attempts
         FROM onward_consent_request WHERE request_id = $1`,
      [asked.requestId],
    );
    expect(state).toEqual({ release: 'QUEUED', queued: true, attempts: 0 });
    expect(await answer(anna, asked.requestId, 'grant', {})).toMatchObject({
      status: 409,
      json: { error: { code: 'links.consent-answered' } },
    });
    // DE is told of the grant on its feed.
    expect(await consentNotice(dieter, asked.requestId, 'GRANTED')).toMatchObject({
      recipientAgency: 'de-bka',
      heldMessageId: held,
      reason: 'FR may have it',
    });
    const refusals = await query<{ code: string }>(
      `SELECT details->>'reasonCode' AS code FROM le_log WHERE action = 'REFUSAL' ORDER BY id`,
    );
    expect(refusals.map((r) => r.code)).toEqual(
      expect.arrayContaining([
        'links.consent-not-found',
        'links.invalid-consent-answer',
        'links.consent-answered',
      ]),
    );

    // The grant releases the held message to FR: DE's own token, once, ledgered as a release.
    const released = await eventually(
      async () => {
        const rows = await ledgered(held);
        const release = rows.filter((r) => r.release_of !== null);
        return release.length > 0 ? release : undefined;
      },
      60_000,
      'the release rows of the held message',
    );
    expect(released.map((r) => r.recipient_agency)).toContain('fr-ocriest');
    expect(new Set(released.map((r) => r.release_of))).toEqual(new Set([asked.requestId]));
    expect(released.every((r) => r.decision !== 'DENIED')).toBe(true);
    expect(released.map((r) => r.recipient_agency).sort()).toEqual(
      [...asked.recipients].filter((a) => released.some((r) => r.recipient_agency === a)).sort(),
    );
    const [token] = await query<{ sd_jwt: string }>(
      'SELECT sd_jwt FROM message_content WHERE message_id = $1',
      [held],
    );
    const delivered = (
      await readTopics<Delivery>([feedTopic('fr-ocriest')], deliveryCodec, (r) =>
        r.some((x) => x.value.messageId === held),
      )
    ).filter((r) => r.value.messageId === held);
    expect(delivered).toHaveLength(1);
    // Signed by DE-BKA, as first submitted: the hub did not re-sign the content.
    expect(delivered[0]?.value.originatorAgency).toBe('de-bka');
    expect(delivered[0]?.value.presentation.split('~')[0]).toBe(token?.sd_jwt.split('~')[0]);
    await eventually(
      async () => {
        const entries = await query(
          `SELECT 1 FROM feed_entry WHERE message_id = $1 AND agency_id = 'fr-ocriest'`,
          [held],
        );
        return entries.length > 0 ? entries : undefined;
      },
      30_000,
      "the held message in FR's feed store",
    );

    // The same release again (a replay on the submissions topic): refused, nothing delivered.
    const release = (
      await readTopics<Submission>([Topic.submissions], submissionCodec, (r) =>
        r.some((x) => x.value.releaseOf === asked.requestId),
      )
    ).find((r) => r.value.releaseOf === asked.requestId)?.value;
    expect(release).toMatchObject({ messageId: held, originatorAgency: 'de-bka' });
    const replayId = randomUUID();
    await producer.send({
      topic: Topic.submissions,
      messages: [
        {
          key: held,
          value: submissionCodec.encode({ ...(release as Submission), correlationId: replayId }),
        },
      ],
    });
    const replayRefused = await eventually(
      async () => {
        const [row] = await query<{ code: string }>(
          `SELECT details->>'reasonCode' AS code FROM le_log
            WHERE action = 'REFUSAL' AND details->>'correlationId' = $1`,
          [replayId],
        );
        return row;
      },
      60_000,
      'the replayed release refused',
    );
    expect(replayRefused.code).toBe('submission.replayed');
    expect((await ledgered(held)).filter((r) => r.release_of !== null)).toEqual(released);
    expect(
      await query(`SELECT 1 FROM feed_entry WHERE message_id = $1 AND agency_id = 'fr-ocriest'`, [
        held,
      ]),
    ).toHaveLength(1);

    // Every leaf, the v1 rows before the release and the v2 release rows, hashes from its row.
    const stored = await query<LedgerRowColumns>(
      `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger ORDER BY seq`,
    );
    const root = rootOf(stored.map((r) => Buffer.from(r.leaf_hash, 'hex'))).toString('hex');
    const report = verifyLedger(stored.map(ledgerRowFromColumns), [
      { treeSize: stored.length, rootHash: root },
    ]);
    expect(report.findings).toEqual([]);
    expect(stored.some((r) => r.release_of === asked.requestId)).toBe(true);

    // DE passes the same content on again: FR now receives it, no new request.
    const again = await publish({
      originator: 'de-bka',
      tlp: 'AMBER',
      namedRecipients: [],
      phone: '+40721555014',
      headline: 'Van with minors, Venlo: update',
    });
    const rows = await ledgered(again);
    expect(rows.find((r) => r.recipient_agency === 'fr-ocriest')?.decision).not.toBe('DENIED');
  }, 90_000);

  it('sends a granted release Kafka never took, once, from the sweep', async () => {
    const stranded = await republished('+40 721 555 077', '0040 721 555 077');
    const asked = await requestAbout(anna, stranded);
    // What a gateway stopped right after committing a grant leaves: GRANTED, release DUE, nothing sent.
    const updated = await query(
      `UPDATE onward_consent_request
          SET status = 'GRANTED', answered_at = now() - interval '1 minute',
              answered_by = 'nl-knp/anna', release = 'DUE'
        WHERE request_id = $1 AND status = 'PENDING' RETURNING request_id`,
      [asked.requestId],
    );
    expect(updated).toHaveLength(1);
    const released = await eventually(
      async () => {
        const rows = (await ledgered(stranded)).filter((r) => r.release_of !== null);
        return rows.length > 0 ? rows : undefined;
      },
      60_000,
      'the stranded release in the ledger',
    );
    expect(new Set(released.map((r) => r.release_of))).toEqual(new Set([asked.requestId]));
    expect(released.map((r) => r.recipient_agency)).toContain('fr-ocriest');
    expect(await requestAbout(anna, stranded)).toMatchObject({
      status: 'GRANTED',
      release: 'QUEUED',
    });
    // Several sweeps later, still once: in the ledger and in FR's feed topic.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await ledgered(stranded)).filter((r) => r.release_of !== null)).toEqual(released);
    const delivered = (
      await readTopics<Delivery>([feedTopic('fr-ocriest')], deliveryCodec, (r) =>
        r.some((x) => x.value.messageId === stranded),
      )
    ).filter((r) => r.value.messageId === stranded);
    expect(delivered).toHaveLength(1);
    const sends = (
      await readTopics<Submission>([Topic.submissions], submissionCodec, (r) =>
        r.some((x) => x.value.releaseOf === asked.requestId),
      )
    ).filter((r) => r.value.releaseOf === asked.requestId);
    expect(sends).toHaveLength(1);
  }, 120_000);

  it('a refusal keeps holding the content, and DE reads it with its reason', async () => {
    const refused = await republished('+40 721 555 099', '0040 721 555 099');
    const asked = await requestAbout(anna, refused);
    expect(
      await answer(anna, asked.requestId, 'refuse', { reason: 'source protection' }),
    ).toMatchObject({ status: 200, json: { status: 'REFUSED', release: null } });
    // A release naming the refused request is refused by the worker; nothing is delivered.
    const [token] = await query<{ sd_jwt: string }>(
      'SELECT sd_jwt FROM message_content WHERE message_id = $1',
      [refused],
    );
    const forgedId = randomUUID();
    const forged: Submission = {
      messageId: refused,
      kind: 'ALERT',
      originatorAgency: 'de-bka',
      sdJwt: token?.sd_jwt ?? '',
      custodial: false,
      receivedAt: new Date().toISOString(),
      idempotencyKey: null,
      caseRef: null,
      correlationId: forgedId,
      releaseOf: asked.requestId,
    };
    await producer.send({
      topic: Topic.submissions,
      messages: [{ key: refused, value: submissionCodec.encode(forged) }],
    });
    const notConsented = await eventually(
      async () => {
        const [row] = await query<{ code: string }>(
          `SELECT details->>'reasonCode' AS code FROM le_log
            WHERE action = 'REFUSAL' AND details->>'correlationId' = $1`,
          [forgedId],
        );
        return row;
      },
      60_000,
      'the release of a refused request refused',
    );
    expect(notConsented.code).toBe('links.release-not-consented');
    expect((await ledgered(refused)).filter((r) => r.release_of !== null)).toEqual([]);
    expect(
      await query(`SELECT 1 FROM feed_entry WHERE message_id = $1 AND agency_id = 'fr-ocriest'`, [
        refused,
      ]),
    ).toEqual([]);
    expect(await requestAbout(dieter, refused)).toMatchObject({
      role: 'REQUESTER',
      status: 'REFUSED',
      reason: 'source protection',
    });
    expect(await consentNotice(dieter, asked.requestId, 'REFUSED')).toMatchObject({
      recipientAgency: 'de-bka',
      heldMessageId: refused,
      reason: 'source protection',
    });
    const again = await publish({
      originator: 'de-bka',
      tlp: 'AMBER',
      namedRecipients: [],
      phone: '+40721555099',
      headline: 'Second van, same number',
    });
    const rows = await ledgered(again);
    expect(rows.find((r) => r.recipient_agency === 'fr-ocriest')).toMatchObject({
      decision: 'DENIED',
      rules: [ONWARD_WITHOUT_CONSENT],
    });
  }, 120_000);
});
