/**
 * Policies as data with four eyes, hot-reloaded: an NL officer drafts a policy
 * version through the API (with her signed statement); self-approval and an
 * officer of another jurisdiction are refused; a second enrolled NL approver
 * approves; the running worker (NestJS Kafka
 * microservice on hub.policies.v1) reloads without a restart and the next message
 * is decided by the new version.
 */
import '../support/isolated-namespace';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
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
  const decisions = codecFor('Decision');

  beforeAll(async () => {
    await seedNamespace();
    worker = await startApp('policy', { POLICY_WORKER_ID: `reload-${process.pid}` });
    gateway = await startApp('gateway');
  }, 120_000);

  afterAll(async () => {
    await stopApp(gateway);
    await stopApp(worker);
    await dropNamespaceDatabase();
  }, 30_000);

  async function decide(): Promise<Decision> {
    const message = freshMessage('alert-suspect-movement', 'nl-knp', (m) => {
      handling(m).tlp = 'AMBER';
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
    ) as { jurisdiction: string; outbound: unknown[] };
    const document = {
      ...current,
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
  }, 180_000);
});
