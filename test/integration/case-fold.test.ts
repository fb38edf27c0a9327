/**
 * The case as a shared object, on the real hub: signed case notices (opening,
 * invitation, acceptance, an EIO request, its acknowledgement and refusal) are
 * folded by the audit app into the case's state in PostgreSQL, in the ledger's
 * transaction; an illegal step (an answer before the request is accepted) is not
 * applied, is kept with its reason code, and the acting agency's liaison officer
 * reads it among its refusals.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { CaseState } from '@liaison/cases';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { publishCaseNotice } from '../support/case-notices';

const NL = 'nl-knp';
const DE = 'de-bka';

describe('case notices folded into the case', () => {
  let hub: RunningHub;
  let db: Client;
  const caseRef = `NL-KNP-CASE-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await seedNamespace();
    hub = await startHub();
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await hub?.stop();
    await dropNamespaceDatabase();
  }, 60_000);

  /** Publishes a signed notice and waits until the audit app has ledgered it. */
  const publish = (
    example: string,
    by: string,
    change: (m: Record<string, unknown>) => void,
  ): Promise<string> => publishCaseNotice({ hub, db, caseRef }, example, by, change);

  const transition = (
    by: string,
    to: string,
    action: string,
    requestMessageId: string | null = null,
    reason: string | null = null,
  ): Promise<string> =>
    publish('case-notice-request-refused', by, (m) => {
      m.requestedAgencies = [to];
      m.transition = { action, requestMessageId, reason };
      m.relatedMessageIds = requestMessageId === null ? [] : [requestMessageId];
    });

  async function caseState(): Promise<CaseState> {
    const r = await db.query<{ state: CaseState }>(
      'SELECT state FROM case_state WHERE case_ref = $1',
      [caseRef],
    );
    const row = r.rows[0];
    if (row === undefined) throw new Error('no case_state row');
    return row.state;
  }

  it('folds the signed steps, keeps the illegal one out with its reason', async () => {
    await publish('case-notice-case-opened', NL, () => undefined);
    await transition(NL, DE, 'INVITE');
    await transition(DE, NL, 'ACCEPT_INVITATION');
    const request = await publish('case-notice-assistance-request', NL, (m) => {
      m.requestedAgencies = [DE];
      m.instrument = { kind: 'EIO', deadlineAt: null, deadlineWorkingDays: null };
    });
    const early = await transition(DE, NL, 'ANSWER_COMPLETE', request);
    await transition(DE, NL, 'ACKNOWLEDGE', request);
    await transition(DE, NL, 'REFUSE', request, 'Dual criminality is not met for this offence.');

    const state = await caseState();
    expect(state).toMatchObject({ status: 'OPEN', lead: NL, jurisdiction: 'NL' });
    expect(state.participants).toEqual([NL, DE]);
    expect(state.requests).toHaveLength(1);
    expect(state.requests[0]).toMatchObject({
      requestId: request,
      requester: NL,
      instrument: { kind: 'EIO' },
      legs: [
        {
          agency: DE,
          jurisdiction: 'DE',
          status: 'REFUSED',
          refusalReason: 'Dual criminality is not met for this offence.',
        },
      ],
    });
    expect(state.appliedEventIds).not.toContain(early);

    const refused = await db.query<{ agency: string; code: string; reason: string }>(
      'SELECT agency, code, reason FROM case_event_refusal WHERE message_id = $1',
      [early],
    );
    expect(refused.rows).toEqual([
      { agency: DE, code: 'ILLEGAL_TRANSITION', reason: expect.any(String) as string },
    ]);
    expect(refused.rows[0]?.reason.length).toBeGreaterThan(0);
  }, 240_000);

  it("shows the acting agency's liaison officer the refused step, and not another agency's", async () => {
    const read = async (agency: string, officer: string) => {
      const target = '/v1/audit/refusals?stage=case&limit=100';
      const identity = new AgencyIdentity({
        agency,
        keys: DEMO_KEYS_DIR,
        officer,
        roles: 'liaison',
      });
      const res = await fetch(`${hub.url}${target}`, {
        headers: {
          authorization: `Bearer ${identity.token()}`,
          'x-justification': identity.auditJustification('GET', target, 'case review'),
        },
      });
      expect(res.status).toBe(200);
      return (
        (await res.json()) as { refusals: { agency: string; stage: string; reasonCode: string }[] }
      ).refusals;
    };
    const de = await read(DE, 'dieter');
    expect(de).toEqual([
      expect.objectContaining({ agency: DE, stage: 'case', reasonCode: 'ILLEGAL_TRANSITION' }),
    ]);
    expect(await read(NL, 'anna')).toEqual([]);
  }, 60_000);
});
