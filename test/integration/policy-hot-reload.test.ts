/**
 * Policies as data with four eyes, hot-reloaded: an NL officer drafts a policy
 * version through the API (with her signed statement); self-approval and an
 * officer of another jurisdiction are refused; a second enrolled NL approver
 * approves; the running worker (NestJS Kafka
 * microservice on hub.policies.v1) reloads without a restart and the next message
 * is decided by the new version; the running audit app reloads too, so a links
 * rule the change adds reveals the next hit at once.
 */
import '../support/isolated-namespace';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { codecFor, type Decision } from '@liaison/contracts';
import { canonicalDigest } from '@liaison/crypto';
import { Topic, createKafkaClient } from '@liaison/kafka';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';
import { freshMessage, handling, signedSubmission } from '../support/submissions';
import { readTopics } from '../support/topic-reader';
import { testConfig } from '../support/stack';

const identity = (agency: string, name: string, roles: string): AgencyIdentity =>
  new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer: name, roles });
const officer = (agency: string, name: string, roles: string): string =>
  identity(agency, name, roles).token();
/** The officer's signed statement approving change `id` at `version`. */
const approval = (agency: string, name: string, id: string, version: string) => ({
  statement: identity(agency, name, 'policy-approver').statement(
    'policy.approve',
    `policy-change:${id}`,
    { version },
  ),
});

describe('four-eyes policy change, hot-reloaded by the worker', () => {
  let worker: StartedApp | undefined;
  let gateway: StartedApp | undefined;
  let audit: StartedApp | undefined;
  const decisions = codecFor('Decision');
  const linkNotices = codecFor('LinkNotice');

  beforeAll(async () => {
    await seedNamespace();
    worker = await startApp('policy', { POLICY_WORKER_ID: `reload-${process.pid}` });
    gateway = await startApp('gateway');
    audit = await startApp('audit');
  }, 120_000);

  afterAll(async () => {
    await stopApp(audit);
    await stopApp(gateway);
    await stopApp(worker);
    await dropNamespaceDatabase();
  }, 30_000);

  /** Publishes an AMBER alert of `agency` (whose only phone is `phone`, if given) and returns its decision. */
  async function decide(agency = 'nl-knp', phone?: string): Promise<Decision> {
    const message = freshMessage('alert-suspect-movement', agency, (m) => {
      handling(m).tlp = 'AMBER';
      if (phone === undefined) return;
      const subject = (m.subjects as Record<string, unknown>[])[0] as Record<string, unknown>;
      const identity = subject.identity as Record<string, unknown>;
      identity.documents = [];
      identity.dateOfBirth = null;
      identity.contactHandles = [{ handleType: 'PHONE', value: phone, platform: null }];
    });
    const { bytes, submission } = await signedSubmission(message);
    const kafka = createKafkaClient(
      { brokers: testConfig().kafka.brokers, clientId: 'reload-test' },
      'publisher',
    );
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: Topic.submissions,
      messages: [{ key: submission.messageId, value: bytes }],
    });
    await producer.disconnect();
    const records = await readTopics([Topic.decisions], decisions, (r) =>
      r.some((x) => x.value.messageId === submission.messageId),
    );
    const found = records.find((x) => x.value.messageId === submission.messageId);
    if (!found) throw new Error('no decision');
    return found.value;
  }

  const post = (url: string, token: string, body?: unknown): Promise<Response> =>
    fetch(`http://127.0.0.1:${gateway!.port}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  it('applies an approved draft at once, and only after a second officer approves', async () => {
    const before = await decide();
    expect(before.outcomes.find((o) => o.recipientAgency === 'th-dsi')).toMatchObject({
      decision: 'REDACTED',
      rules: ['NL-ASEAN-01'],
    });

    const current = JSON.parse(
      readFileSync(path.join(ROOT, 'deploy/seed/policies/NL.json'), 'utf8'),
    ) as { jurisdiction: string; outbound: unknown[]; links?: unknown[] };
    const document = {
      ...current,
      links: [
        ...(current.links ?? []),
        {
          id: 'NL-LINKS-UK-01',
          to: { agencies: ['uk-nca'] },
          kinds: '*',
          description: 'uk-nca learns that a NL agency holds a message sharing a selector.',
        },
      ],
      outbound: [
        ...current.outbound,
        {
          id: 'NL-TH-PAUSE-01',
          effect: 'deny',
          to: { agencies: ['th-dsi'] },
          messageTypes: '*',
          description: 'Sharing with th-dsi paused pending review.',
        },
      ],
    };
    const drafted = await post(
      '/v1/policies/drafts',
      officer('nl-knp', 'pia', 'policy-author,policy-approver'),
      {
        document,
        statement: identity('nl-knp', 'pia', 'policy-author').statement(
          'policy.draft',
          'policy:NL',
          { documentDigest: canonicalDigest(document) },
        ),
      },
    );
    expect(drafted.status).toBe(201);
    const { id, version } = (await drafted.json()) as { id: string; version: string };

    const self = await post(
      `/v1/policies/drafts/${id}/approve`,
      officer('nl-knp', 'pia', 'policy-author,policy-approver'),
      approval('nl-knp', 'pia', id, version),
    );
    expect(self.status).toBe(403);
    expect(((await self.json()) as { error: { code: string } }).error.code).toBe(
      'policy.self-approval',
    );

    const foreign = await post(
      `/v1/policies/drafts/${id}/approve`,
      officer('de-bka', 'dieter', 'policy-approver'),
      approval('de-bka', 'dieter', id, version),
    );
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe(
      'policy.wrong-jurisdiction',
    );

    const notApprover = await post(
      `/v1/policies/drafts/${id}/approve`,
      officer('nl-knp', 'quinn', 'policy-author'),
    );
    expect(notApprover.status).toBe(403);

    // Still the old policy: a draft changes nothing.
    const stillOld = await decide();
    expect(stillOld.outcomes.find((o) => o.recipientAgency === 'th-dsi')?.decision).toBe(
      'REDACTED',
    );

    const approved = await post(
      `/v1/policies/drafts/${id}/approve`,
      officer('nl-knp', 'quinn', 'policy-approver'),
      approval('nl-knp', 'quinn', id, version),
    );
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ id, status: 'approved' });

    // The worker reloads from hub.policies.v1 (no restart): the next decision uses the new version.
    let after: Decision | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      const d = await decide();
      if (d.policyVersion !== before.policyVersion) {
        after = d;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(after).toBeDefined();
    expect(after?.outcomes.find((o) => o.recipientAgency === 'th-dsi')).toMatchObject({
      decision: 'DENIED',
      rules: ['NL-TH-PAUSE-01'],
    });
    expect(worker!.process.exitCode).toBeNull();

    // The audit app took the new links rule without a restart: the UK learns of NL's hit.
    await decide('nl-knp', '+44 7911 123456');
    const uk = await decide('uk-nca', '07911 123456');
    let notices: { messageId: string; counterpartAgency: string }[] = [];
    for (let attempt = 0; attempt < 40 && notices.length === 0; attempt++) {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ record: Buffer }>(
          `SELECT record FROM feed_entry WHERE agency_id = 'uk-nca' AND entry_kind = 'LINK_NOTICE'`,
        );
        notices = rows.map((r) => {
          const { messageId, counterpartAgency } = linkNotices.decode(r.record);
          return { messageId, counterpartAgency };
        });
      } finally {
        await client.end();
      }
      if (notices.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(notices).toEqual([{ messageId: uk.messageId, counterpartAgency: 'nl-knp' }]);
    expect(audit!.process.exitCode).toBeNull();
  }, 180_000);
});
