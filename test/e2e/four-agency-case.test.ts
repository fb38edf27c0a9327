/**
 * A case worked end to end by four agencies on the real hub (gateway, policy
 * worker, audit app on the real Kafka and PostgreSQL), each step built, checked
 * against the case as the hub shows the acting agency, signed with its key and
 * sent by the CLI's own code (`liaison case <step>`; the victim referral and the
 * final reading by the CLI binary itself):
 *
 * NL-KNP opens a case and invites DE-BKA, FR-OCRIEST and RO-DIICOT, which
 * accept; NL proposes a joint investigation team, which every partner
 * acknowledges and accepts (an agreement). NL asks FR for information under the
 * Information Exchange Directive, which FR refuses with a reason, and DE under a
 * bilateral request whose stated deadline is seconds away: the audit app's clock
 * check tells both NL and DE that it is OVERDUE (feeds, case views, overdue
 * figures), then DE answers, late. FR refers victims to the support NGO with
 * `liaison case refer`; NL closes the requests and the case with a conviction.
 * Each participant's metrics show its own figures in full and the lead's under
 * the small-count rule, and each participant's timeline lists exactly the
 * notices it sent or was sent and the clock notices raised to it.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type {
  AgencyCaseFigures,
  CaseMetrics,
  CaseTimelineEntry,
  JurisdictionCaseFigures,
} from '@liaison/cases';
import type { CaseClockNotice } from '@liaison/contracts';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { sendCaseStep, type CaseDetail } from '../../apps/cli/src/commands/case.command';
import type { CaseStep } from '../../apps/cli/src/commands/case-steps';
import { HubClient } from '../../apps/cli/src/hub-client';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';

const NL = 'nl-knp';
const DE = 'de-bka';
const FR = 'fr-ocriest';
const RO = 'ro-diicot';
const NGO = 'ngo-safehaven';
const PARTNERS = [DE, FR, RO];
const PARTICIPANTS = [NL, ...PARTNERS];
/** Each agency's liaison officer in the demo world. */
const OFFICERS: Record<string, string> = {
  [NL]: 'anna',
  [DE]: 'dieter',
  [FR]: 'felix',
  [RO]: 'radu',
};

/** A notice sent in the case: who signed it and every agency it names. */
interface Sent {
  readonly id: string;
  readonly by: string;
  readonly to: readonly string[];
}

/**
 * Whether `agency` may see the notice in the case's timeline: it sent it, or
 * the notice names it (addressed sharing), or the notice names nobody (only the
 * opening here) and is broadcast, which NL's rule for EU law enforcement
 * (NL-EU-01) carries to every partner.
 */
const entitledTo = (agency: string, s: Sent): boolean =>
  s.by === agency || s.to.includes(agency) || (s.to.length === 0 && PARTNERS.includes(agency));

describe('a case worked by four agencies, from opening to conviction', () => {
  let hub: RunningHub;
  let db: Client;
  const caseRef = `NL-KNP-JIT-${randomUUID().slice(0, 8)}`;
  const sent: Sent[] = [];
  let jit = '';
  let refused = '';
  let late = '';
  let referral = '';

  const client = (agency: string, officer?: string): HubClient =>
    new HubClient(
      hub.url,
      new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles: 'liaison' }),
    );

  async function folded(id: string): Promise<void> {
    await eventually(
      async () => {
        const r = await db.query('SELECT 1 FROM case_event WHERE message_id = $1', [id]);
        return r.rowCount === 1 ? true : undefined;
      },
      30_000,
      `notice ${id} folded into the case`,
    );
  }

  function record(id: string, notice: Record<string, unknown>): void {
    const jitProposal = notice.jitProposal as { partnerAgencies: string[] } | null;
    const handling = notice.handling as { namedRecipients: string[] };
    sent.push({
      id,
      by: String(notice.originatorAgency),
      to: [
        ...(notice.requestedAgencies as string[]),
        ...(jitProposal?.partnerAgencies ?? []),
        ...handling.namedRecipients,
      ],
    });
  }

  /** One step of `agency`, as `liaison case <step>` sends it; waits until the case took it. */
  async function act(agency: string, step: CaseStep): Promise<string> {
    const { accepted, notice } = await sendCaseStep(
      client(agency),
      new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR }),
      caseRef,
      step,
      'AMBER',
    );
    record(accepted.messageId, notice);
    await folded(accepted.messageId);
    return accepted.messageId;
  }

  const onRequest = (
    action: Extract<CaseStep, { kind: 'request-step' }>['action'],
    requestId: string,
    reason: string | null = null,
  ): CaseStep => ({ kind: 'request-step', action, requestId, reason });

  const view = (agency: string): Promise<CaseDetail> =>
    client(agency).get<CaseDetail>(`/v1/cases/${caseRef}`);

  const metrics = (
    agency: string,
  ): Promise<{ caseFigures: CaseMetrics; casesPerJurisdiction: JurisdictionCaseFigures[] }> =>
    client(agency, OFFICERS[agency]).auditGet('/v1/audit/metrics', `case ${caseRef} review`);

  async function clockNotices(agency: string): Promise<CaseClockNotice[]> {
    const page = await client(agency).get<{ entries: { caseClockNotice?: CaseClockNotice }[] }>(
      '/v1/feed?limit=1000',
    );
    return page.entries
      .map((e) => e.caseClockNotice)
      .filter((n): n is CaseClockNotice => n !== undefined && n.caseRef === caseRef);
  }

  beforeAll(async () => {
    await seedNamespace();
    // The clock check every 300 ms, so a deadline seconds away is told at once.
    hub = await startHub({ AUDIT_CASE_CLOCK_INTERVAL_MS: '300' });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await hub?.stop();
    await dropNamespaceDatabase();
  }, 60_000);

  it('opens the case, brings three partners in and agrees a joint investigation team', async () => {
    await act(NL, {
      kind: 'open',
      title: 'Labour exploitation ring',
      jurisdictions: ['NL', 'DE', 'FR', 'RO'],
    });
    for (const partner of PARTNERS) await act(NL, { kind: 'invite', agency: partner });
    for (const partner of PARTNERS) await act(partner, { kind: 'accept-invitation' });
    jit = await act(NL, {
      kind: 'jit',
      to: PARTNERS,
      legalBasis: 'Art. 13 EU MLA Convention 2000',
      proposedStart: new Date(Date.now() + 86_400_000).toISOString(),
      durationMonths: 12,
    });
    for (const partner of PARTNERS) {
      await act(partner, onRequest('ACKNOWLEDGE', jit));
      await act(partner, onRequest('ACCEPT', jit));
    }
    const lead = await view(NL);
    expect(lead).toMatchObject({
      status: 'OPEN',
      lead: NL,
      participants: PARTICIPANTS,
      invited: [],
    });
    const team = lead.requests.find((r) => r.requestId === jit);
    expect(team?.kind).toBe('JIT');
    expect(team?.agreedAt).not.toBeNull();
    expect(team?.legs.map((l) => [l.agency, l.status])).toEqual(
      PARTNERS.map((p) => [p, 'ACCEPTED']),
    );
  }, 120_000);

  it('refuses one request with a reason, and answers the other after its deadline: OVERDUE told to both', async () => {
    // A bilateral request whose stated deadline is ten seconds away.
    late = await act(NL, {
      kind: 'request',
      to: [DE],
      instrument: 'BILATERAL',
      deadlineAt: new Date(Date.now() + 10_000).toISOString(),
      deadlineWorkingDays: null,
      ask: 'subscriber data for two numbers',
    });
    await act(DE, onRequest('ACKNOWLEDGE', late));
    await act(DE, onRequest('ACCEPT', late));
    refused = await act(NL, {
      kind: 'request',
      to: [FR],
      instrument: 'IED_NON_URGENT',
      deadlineAt: null,
      deadlineWorkingDays: null,
      ask: 'registered addresses of a company',
    });
    await act(FR, onRequest('ACKNOWLEDGE', refused));
    await act(FR, onRequest('REFUSE', refused, 'outside the scope of the requested authority'));

    // The deadline passes with no answer: both parties are told, in their feeds.
    const overdue = async (agency: string) =>
      (await clockNotices(agency)).filter((n) => n.alert === 'OVERDUE');
    await eventually(
      async () =>
        (await overdue(NL)).length > 0 && (await overdue(DE)).length > 0 ? true : undefined,
      30_000,
      'OVERDUE in both parties’ feeds',
    );
    for (const agency of [NL, DE]) {
      const [notice, ...more] = await overdue(agency);
      expect(more).toEqual([]);
      expect(notice).toMatchObject({
        recipientAgency: agency,
        requestId: late,
        requester: NL,
        requestedAgency: DE,
        instrument: 'BILATERAL',
      });
      const request = (await view(agency)).requests.find((r) => r.requestId === late);
      expect(request?.deadline).toBe('overdue');
      expect(request?.clocks.map((c) => [c.agency, c.status])).toEqual([[DE, 'OVERDUE']]);
    }
    // The overdue figures: NL's request, and DE's obligation.
    expect((await metrics(NL)).caseFigures.overdue).toEqual({ asRequester: 1, asRequested: 0 });
    expect((await metrics(DE)).caseFigures.overdue).toEqual({ asRequester: 0, asRequested: 1 });

    // DE answers, late: still overdue to both, and not told twice.
    await act(DE, onRequest('ANSWER_COMPLETE', late));
    for (const agency of [NL, DE]) {
      const request = (await view(agency)).requests.find((r) => r.requestId === late);
      expect(request?.clocks.map((c) => [c.status, c.deadline])).toEqual([['MET_LATE', 'overdue']]);
      expect(await overdue(agency)).toHaveLength(1);
    }
    // A deadline missed stays missed in the figures once the late answer came.
    expect((await metrics(NL)).caseFigures.overdue).toEqual({ asRequester: 1, asRequested: 0 });
    expect((await metrics(DE)).caseFigures.overdue).toEqual({ asRequester: 0, asRequested: 1 });
    const lead = await view(NL);
    expect(lead.requests.find((r) => r.requestId === refused)?.legs).toEqual([
      expect.objectContaining({
        agency: FR,
        status: 'REFUSED',
        refusalReason: 'outside the scope of the requested authority',
      }),
    ]);
  }, 120_000);

  it('records a victim referral with `liaison case refer`, which reaches the support NGO', async () => {
    const refer = await runCli([
      '--hub',
      hub.url,
      '--keys',
      DEMO_KEYS_DIR,
      '--agency',
      FR,
      'case',
      'refer',
      caseRef,
      '--support-agency',
      NGO,
      '--victims',
      '3',
      '--minors',
      '1',
      '--services',
      'SHELTER,MEDICAL,INTERPRETATION',
    ]);
    expect(refer.stderr).toBe('');
    expect(refer.code).toBe(0);
    referral = /sent VICTIM_REFERRED (\S+) in case /.exec(refer.stdout)?.[1] ?? '';
    expect(referral).toMatch(/^[0-9a-f-]{36}$/);
    // The other participants and the NGO are named; FR's addressed agreement with the NGO carries it.
    sent.push({ id: referral, by: FR, to: [NL, DE, RO, NGO] });
    await folded(referral);
    const delivered = await eventually(
      async () => {
        const page = await client(NGO).get<{
          entries: { delivery?: { messageId: string; originatorAgency: string } }[];
        }>('/v1/feed?limit=1000');
        return page.entries.find((e) => e.delivery?.messageId === referral)?.delivery;
      },
      30_000,
      'the referral in the NGO’s feed',
    );
    expect(delivered.originatorAgency).toBe(FR);
    // The NGO is told of the referral, not let into the case.
    await expect(view(NGO)).rejects.toMatchObject({ status: 404, code: 'cases.not-found' });
  }, 60_000);

  it('closes every request, then the case with a conviction', async () => {
    for (const request of [late, refused, jit]) await act(NL, onRequest('CLOSE_REQUEST', request));
    await act(NL, { kind: 'close', outcome: 'CONVICTION' });
    for (const agency of PARTICIPANTS) {
      expect(await view(agency)).toMatchObject({
        status: 'CLOSED',
        outcome: 'CONVICTION',
        participants: PARTICIPANTS,
      });
    }
    // Every step was taken into the case: none refused by the state machine.
    const refusals = await db.query(
      'SELECT code, reason FROM case_event_refusal WHERE case_ref = $1',
      [caseRef],
    );
    expect(refusals.rows).toEqual([]);
  }, 60_000);

  it("shows each participant its own figures in full, and the lead's under the small-count rule", async () => {
    const leadRow = (figures: CaseMetrics): AgencyCaseFigures | undefined =>
      figures.perAgency.find((r) => r.agency === NL);
    const nlMetrics = await metrics(NL);
    const own = nlMetrics.caseFigures;
    // The same figures per jurisdiction: NL-KNP is the only lead in NL, so in full.
    expect(nlMetrics.casesPerJurisdiction).toEqual([
      {
        jurisdiction: 'NL',
        own: true,
        casesOpened: 1,
        casesResolved: 1,
        casesWithVictimReferral: 1,
        resolutionRate: 1,
        victimReferralRate: 1,
      },
    ]);
    expect(leadRow(own)).toEqual({
      agency: NL,
      jurisdiction: 'NL',
      own: true,
      casesOpened: 1,
      casesResolved: 1,
      casesWithVictimReferral: 1,
      resolutionRate: 1,
      victimReferralRate: 1,
    });
    // NL's own requests: how long each counterpart jurisdiction took, unsuppressed.
    const times = new Map(own.responseTimes.map((t) => [t.jurisdiction, t]));
    expect([...times.keys()].sort()).toEqual(['DE', 'FR', 'RO']);
    expect(times.get('DE')?.toAcknowledge.count).toBe(2);
    expect(times.get('DE')?.toAnswer).toMatchObject({
      count: 1,
      medianMs: expect.any(Number) as unknown,
    });
    expect(times.get('FR')?.toAcknowledge).toMatchObject({
      count: 2,
      medianMs: expect.any(Number) as unknown,
    });
    expect(times.get('RO')?.toAcknowledge).toMatchObject({
      count: 1,
      medianMs: expect.any(Number) as unknown,
    });
    // DE's late answer to NL's bilateral request: one deadline missed.
    expect(own.overdue).toEqual({ asRequester: 1, asRequested: 0 });
    for (const partner of PARTNERS) {
      const partnerMetrics = await metrics(partner);
      const figures = partnerMetrics.caseFigures;
      expect(partnerMetrics.casesPerJurisdiction).toEqual([
        expect.objectContaining({ jurisdiction: 'NL', own: false, casesOpened: 'suppressed' }),
      ]);
      expect(leadRow(figures)).toEqual({
        agency: NL,
        jurisdiction: 'NL',
        own: false,
        casesOpened: 'suppressed',
        casesResolved: 'suppressed',
        casesWithVictimReferral: 'suppressed',
        resolutionRate: null,
        victimReferralRate: null,
      });
      // A single suppressed cell cannot be hidden by others: the totals are suppressed too.
      expect(figures.totals).toMatchObject({
        casesOpened: 'suppressed',
        casesResolved: 'suppressed',
        resolutionRate: null,
      });
      // The partners asked nothing of anyone: no response times of theirs to show.
      expect(figures.responseTimes).toEqual([]);
    }
  }, 60_000);

  it('shows each participant a timeline of exactly what it was entitled to', async () => {
    for (const agency of PARTICIPANTS) {
      const { timeline } = await view(agency);
      const notices = timeline.filter((e) => e.kind === 'NOTICE');
      const entitled = sent.filter((s) => entitledTo(agency, s));
      expect({ agency, notices: notices.map((e) => e.messageId).sort() }).toEqual({
        agency,
        notices: entitled.map((s) => s.id).sort(),
      });
      for (const entry of notices) {
        const own = sent.find((s) => s.id === entry.messageId)?.by === agency;
        expect([entry.direction, entry.decision === null]).toEqual(
          own ? ['SENT', true] : ['RECEIVED', false],
        );
      }
      // Clock notices: only the two parties of the late request, each its own, never twice.
      const clocks = timeline.filter(
        (
          e,
        ): e is CaseTimelineEntry & {
          clockNotice: NonNullable<CaseTimelineEntry['clockNotice']>;
        } => e.clockNotice !== null,
      );
      const feed = agency === NL || agency === DE ? await clockNotices(agency) : [];
      expect(clocks.map((c) => c.messageId).sort()).toEqual(feed.map((n) => n.noticeId).sort());
      expect(
        clocks.every(
          (c) => c.clockNotice.requestId === late && c.clockNotice.requestedAgency === DE,
        ),
      ).toBe(true);
      expect(clocks.filter((c) => c.messageType === 'OVERDUE')).toHaveLength(
        agency === NL || agency === DE ? 1 : 0,
      );
    }
    // The same as the requested agency reads it on its machine.
    const show = await runCli([
      '--hub',
      hub.url,
      '--keys',
      DEMO_KEYS_DIR,
      '--agency',
      DE,
      'case',
      'show',
      caseRef,
    ]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Case ${caseRef}: CLOSED (CONVICTION) lead ${NL} (NL)`);
    expect(show.stdout).toContain('answered late: OVERDUE');
    expect(show.stdout).toContain(`received OVERDUE from hub: RESPONSE clock for ${DE} on ${late}`);
    expect(show.stdout).not.toContain(refused);
  }, 60_000);
});
