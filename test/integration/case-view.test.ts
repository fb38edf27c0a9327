/**
 * Reading a case on the real hub: NL opens a case, invites DE, DE accepts; NL
 * sends an EIO request and an urgent Information Exchange request (8 hours) that
 * DE answers ten hours after receipt. Each participant reads the case through
 * GET /v1/cases/{caseRef} (an agency token, an officer of it): participants,
 * requests with their instrument and clocks read now (the late answer marked
 * overdue for both), and a timeline of only the notices it sent or received. An
 * agency outside the case gets 404, as for a case that does not exist.
 * `liaison case show` and `liaison case list` print the same, OVERDUE marked;
 * `liaison demo` plays a case whose urgent request's clock runs. Both parties
 * get a hub-signed OVERDUE notice of the late answer in their feeds, once, and
 * each sees its own in the case's timeline; a
 * second case's bilateral request whose stated deadline runs out a few seconds
 * later is told as DEADLINE_APPROACHING, then OVERDUE, by the audit app's
 * periodic clock check.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { Client } from 'pg';
import type { CaseClockNotice } from '@liaison/contracts';
import { HubKeyFiles } from '@liaison/local-files';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { agencyToken, publishCaseNotice } from '../support/case-notices';

const NL = 'nl-knp';
const DE = 'de-bka';
const FR = 'fr-ocriest';
const HOUR = 3_600_000;

const token = agencyToken;

interface Clock {
  clock: string;
  agency: string;
  dueAt: string;
  status: string;
  deadline: string;
}
interface Request {
  requestId: string;
  requester: string;
  instrument: { kind: string } | null;
  status: string;
  legs: { agency: string; status: string }[];
  clocks: Clock[];
  deadline: string;
}
interface CaseDetail {
  caseRef: string;
  status: string;
  lead: string;
  participants: string[];
  requests: Request[];
  timeline: {
    kind: string;
    messageId: string;
    messageType: string;
    from: string;
    direction: string;
    decision: string | null;
    clockNotice: { alert: string; requestId: string; requestedAgency: string } | null;
  }[];
}

const caseNotices = (view: CaseDetail) => view.timeline.filter((e) => e.kind === 'NOTICE');

describe('reading a case', () => {
  let hub: RunningHub;
  let db: Client;
  const caseRef = `NL-KNP-CASE-${randomUUID().slice(0, 8)}`;
  const start = Date.now() - 12 * HOUR;
  let step = 0;
  const sent: { id: string; by: string }[] = [];
  let eio = '';
  let urgent = '';

  /** Publishes a signed notice dated `at` and waits until the audit app has ledgered it. */
  async function publish(
    example: string,
    by: string,
    at: number,
    change: (m: Record<string, unknown>) => void,
  ): Promise<string> {
    const id = await publishCaseNotice({ hub, db, caseRef }, example, by, (m) => {
      m.issuedAt = new Date(at).toISOString();
      change(m);
    });
    sent.push({ id, by });
    return id;
  }

  const transition = (
    by: string,
    to: string,
    at: number,
    action: string,
    requestMessageId: string | null = null,
  ): Promise<string> =>
    publish('case-notice-request-refused', by, at, (m) => {
      m.requestedAgencies = [to];
      m.transition = { action, requestMessageId, reason: null };
      m.relatedMessageIds = requestMessageId === null ? [] : [requestMessageId];
    });

  const request = (instrument: string, at: number): Promise<string> =>
    publish('case-notice-assistance-request', NL, at, (m) => {
      m.requestedAgencies = [DE];
      m.instrument = { kind: instrument, deadlineAt: null, deadlineWorkingDays: null };
    });

  async function read(path: string, bearer: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${hub.url}${path}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: res.status, body: await res.json() };
  }

  beforeAll(async () => {
    await seedNamespace();
    hub = await startHub({ AUDIT_CASE_CLOCK_INTERVAL_MS: '300' });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const at = (): number => start + ++step * 60_000;
    await publish('case-notice-case-opened', NL, at(), () => undefined);
    await transition(NL, DE, at(), 'INVITE');
    await transition(DE, NL, at(), 'ACCEPT_INVITATION');
    eio = await request('EIO', at());
    urgent = await request('IED_URGENT_DIRECT', at());
    await transition(DE, NL, at(), 'ACKNOWLEDGE', urgent);
    await transition(DE, NL, at(), 'ACCEPT', urgent);
    // Answered ten hours after receipt: two hours past the 8-hour deadline.
    await transition(DE, NL, start + 5 * 60_000 + 10 * HOUR, 'ANSWER_COMPLETE', urgent);
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await hub?.stop();
    await dropNamespaceDatabase();
  }, 60_000);

  it("shows the lead the case, both requests' clocks and the late answer as overdue", async () => {
    const { status, body } = await read(`/v1/cases/${caseRef}`, token(NL));
    expect(status).toBe(200);
    const view = body as CaseDetail;
    expect(view).toMatchObject({ caseRef, status: 'OPEN', lead: NL, participants: [NL, DE] });
    const byId = new Map(view.requests.map((r) => [r.requestId, r]));
    expect(byId.get(eio)).toMatchObject({
      requester: NL,
      instrument: { kind: 'EIO' },
      legs: [{ agency: DE, status: 'SENT' }],
      clocks: [{ clock: 'RECOGNITION', agency: DE, status: 'RUNNING', deadline: 'ok' }],
      deadline: 'ok',
    });
    const late = byId.get(urgent);
    expect(late).toMatchObject({
      instrument: { kind: 'IED_URGENT_DIRECT' },
      legs: [{ agency: DE, status: 'ANSWERED_COMPLETE' }],
      clocks: [{ clock: 'RESPONSE', agency: DE, status: 'MET_LATE', deadline: 'overdue' }],
      deadline: 'overdue',
    });
    // Due 8 hours after receipt (the request was sent five minutes after the start).
    expect(late?.clocks[0]?.dueAt).toBe(new Date(start + 5 * 60_000 + 8 * HOUR).toISOString());
    expect(
      caseNotices(view)
        .map((e) => e.messageId)
        .sort(),
    ).toEqual(sent.map((s) => s.id).sort());
    for (const entry of caseNotices(view)) {
      const own = sent.find((s) => s.id === entry.messageId)?.by === NL;
      expect(entry.direction).toBe(own ? 'SENT' : 'RECEIVED');
    }
  }, 60_000);

  it('shows the requested agency (and its officer) the same overdue mark on its own leg', async () => {
    for (const bearer of [token(DE), token(DE, 'dieter', 'liaison')]) {
      const { status, body } = await read(`/v1/cases/${caseRef}`, bearer);
      expect(status).toBe(200);
      const view = body as CaseDetail;
      expect(view.participants).toEqual([NL, DE]);
      const late = view.requests.find((r) => r.requestId === urgent);
      expect(late?.deadline).toBe('overdue');
      expect(late?.clocks.map((c) => c.agency)).toEqual([DE]);
      // Only notices DE sent or that were delivered to it, never a denied one.
      for (const entry of caseNotices(view)) {
        if (entry.direction === 'SENT') expect(entry.from).toBe(DE);
        else expect(['FULL', 'REDACTED']).toContain(entry.decision);
      }
      expect(view.timeline.filter((e) => e.direction === 'SENT')).toHaveLength(4);
    }
    const list = await read('/v1/cases', token(DE));
    expect(list.status).toBe(200);
    expect((list.body as { cases: unknown[] }).cases).toContainEqual(
      expect.objectContaining({ caseRef, overdue: 1, openRequests: 2 }),
    );
  }, 60_000);

  it('prints the case with `liaison case show` and lists it with `liaison case list`', async () => {
    const cli = (...args: string[]) =>
      runCli(['--hub', hub.url, '--keys', DEMO_KEYS_DIR, '--agency', DE, 'case', ...args]);
    const show = await cli('show', caseRef);
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Case ${caseRef}: OPEN lead ${NL} (NL)`);
    expect(show.stdout).toContain(
      `ASSISTANCE ${urgent} by ${NL} under IED_URGENT_DIRECT: OPEN OVERDUE`,
    );
    expect(show.stdout).toContain('answered late: OVERDUE');
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${caseRef} OPEN lead ${NL} .* OVERDUE 1`, 'm'));
    const outside = await runCli([
      '--hub',
      hub.url,
      '--keys',
      DEMO_KEYS_DIR,
      '--agency',
      FR,
      'case',
      'show',
      caseRef,
    ]);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('404 cases.not-found');
  }, 60_000);

  it("plays the demo stream's case, whose urgent request shows a running 8-hour clock", async () => {
    const demo = await runCli([
      '--hub',
      hub.url,
      '--keys',
      DEMO_KEYS_DIR,
      'demo',
      '--count',
      '7',
      '--interval-ms',
      '100',
    ]);
    expect(demo.code).toBe(0);
    const demoRef = /demo: case (\S+) /.exec(demo.stdout)?.[1];
    if (demoRef === undefined) throw new Error(`no demo case in: ${demo.stdout}`);
    const view = await eventually(
      async () => {
        const { status, body } = await read(`/v1/cases/${demoRef}`, token(NL));
        const detail = body as CaseDetail;
        return status === 200 && detail.requests[0]?.legs[0]?.status === 'ACKNOWLEDGED'
          ? detail
          : undefined;
      },
      30_000,
      'demo case folded',
    );
    expect(view.participants).toEqual([NL, DE]);
    expect(view.requests[0]).toMatchObject({
      instrument: { kind: 'IED_URGENT_DIRECT' },
      clocks: [{ clock: 'RESPONSE', agency: DE, status: 'RUNNING', deadline: 'ok' }],
    });
  }, 90_000);

  /** The clock notices in `agency`'s feed about `requestId`. */
  async function clockNotices(agency: string, requestId: string): Promise<CaseClockNotice[]> {
    const { status, body } = await read('/v1/feed?limit=1000', token(agency));
    expect(status).toBe(200);
    return (body as { entries: { caseClockNotice?: CaseClockNotice }[] }).entries
      .map((e) => e.caseClockNotice)
      .filter((n): n is CaseClockNotice => n !== undefined && n.requestId === requestId);
  }

  it('tells both parties of the late answer once, in a hub-signed OVERDUE notice', async () => {
    const hubKey = new HubKeyFiles(path.join(ROOT, '.local/hub-keys')).hubSigningKey();
    const key = await importJWK(
      hubKey.publicJwk as unknown as Parameters<typeof importJWK>[0],
      hubKey.alg,
    );
    for (const agency of [NL, DE]) {
      const notices = await clockNotices(agency, urgent);
      expect(notices).toEqual([
        expect.objectContaining({
          recipientAgency: agency,
          alert: 'OVERDUE',
          caseRef,
          requester: NL,
          requestedAgency: DE,
          instrument: 'IED_URGENT_DIRECT',
          clock: 'RESPONSE',
          dueAt: new Date(start + 5 * 60_000 + 8 * HOUR).toISOString(),
        }),
      ]);
      const notice = notices[0] as CaseClockNotice;
      const { payload } = await compactVerify(notice.hubSignature, key);
      const { hubSignature: _signature, ...body } = notice;
      expect(JSON.parse(Buffer.from(payload).toString('utf8'))).toEqual(body);
      // The EIO request's 30 days run: nothing to tell.
      expect(await clockNotices(agency, eio)).toEqual([]);
    }
    const logged = await db.query(
      `SELECT details->>'recipientAgency' AS agency FROM le_log
        WHERE action = 'DISCLOSURE' AND subject = $1 AND details ? 'noticeId' ORDER BY id`,
      [urgent],
    );
    expect(logged.rows.map((r: { agency: string }) => r.agency).sort()).toEqual([DE, NL].sort());
  }, 60_000);

  it("puts the clock notices raised to each party in that party's timeline, and no other's", async () => {
    const ids = new Set<string>();
    for (const agency of [NL, DE]) {
      const { body } = await read(`/v1/cases/${caseRef}`, token(agency));
      const clocks = (body as CaseDetail).timeline.filter((e) => e.kind === 'CLOCK');
      expect(clocks).toEqual([
        expect.objectContaining({
          messageType: 'OVERDUE',
          from: 'hub',
          direction: 'RECEIVED',
          clockNotice: expect.objectContaining({
            alert: 'OVERDUE',
            requestId: urgent,
            requestedAgency: DE,
          }) as unknown,
        }),
      ]);
      // The very notice in the agency's own feed: its id is the agency's, never the other party's.
      const feed = await clockNotices(agency, urgent);
      expect(clocks.map((c) => c.messageId)).toEqual(feed.map((n) => n.noticeId));
      for (const c of clocks) ids.add(c.messageId);
    }
    expect(ids.size).toBe(2);
  }, 60_000);

  it('tells both parties when a stated deadline approaches and runs out, each once', async () => {
    const other = { hub, db, caseRef: `NL-KNP-CASE-${randomUUID().slice(0, 8)}` };
    await publishCaseNotice(other, 'case-notice-case-opened', NL, () => undefined);
    const membership = (by: string, to: string, action: string) =>
      publishCaseNotice(other, 'case-notice-request-refused', by, (m) => {
        m.requestedAgencies = [to];
        m.transition = { action, requestMessageId: null, reason: null };
      });
    await membership(NL, DE, 'INVITE');
    await membership(DE, NL, 'ACCEPT_INVITATION');
    // Eight seconds to go: approaching 1.6 s before the end.
    const sentAt = Date.now();
    const bilateral = await publishCaseNotice(other, 'case-notice-assistance-request', NL, (m) => {
      m.issuedAt = new Date(sentAt).toISOString();
      m.requestedAgencies = [DE];
      m.instrument = {
        kind: 'BILATERAL',
        deadlineAt: new Date(sentAt + 8000).toISOString(),
        deadlineWorkingDays: null,
      };
    });
    const alerts = (agency: string) =>
      clockNotices(agency, bilateral).then((ns) => ns.map((n) => n.alert).sort());
    await eventually(
      async () =>
        (await alerts(NL)).length === 2 && (await alerts(DE)).length === 2 ? true : undefined,
      30_000,
      'both clock notices in both feeds',
    );
    // Several more checks run; nothing is raised twice.
    await new Promise((r) => setTimeout(r, 1200));
    for (const agency of [NL, DE]) {
      expect(await alerts(agency)).toEqual(['DEADLINE_APPROACHING', 'OVERDUE']);
    }
  }, 60_000);

  it('shows an invited agency its invitation; `liaison case` steps are checked, then signed', async () => {
    const cli = (agency: string, ...args: string[]) =>
      runCli(['--hub', hub.url, '--keys', DEMO_KEYS_DIR, '--agency', agency, 'case', ...args]);
    const other = `NL-KNP-CASE-${randomUUID().slice(0, 8)}`;
    expect((await cli(NL, 'open', other, '--jurisdictions', 'NL,FR')).code).toBe(0);
    await eventually(
      async () => ((await read(`/v1/cases/${other}`, token(NL))).status === 200 ? true : undefined),
      30_000,
      'case opened',
    );
    expect((await cli(NL, 'invite', other, FR)).code).toBe(0);
    const invitation = await eventually(
      async () => {
        const r = await read(`/v1/cases/${other}`, token(FR));
        return r.status === 200 ? (r.body as CaseDetail & { membership: string }) : undefined;
      },
      30_000,
      'invitation visible',
    );
    expect(invitation).toMatchObject({ membership: 'INVITED', lead: NL, participants: [] });
    expect((await cli(FR, 'accept', other)).code).toBe(0);
    await eventually(
      async () => {
        const r = await read(`/v1/cases/${other}`, token(FR));
        return (r.body as CaseDetail).participants.includes(FR) ? true : undefined;
      },
      30_000,
      'FR a participant',
    );
    // Only the lead invites: refused on FR's machine, nothing sent.
    const refused = await cli(FR, 'invite', other, DE);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not sent: the case would refuse it (NOT_CASE_LEAD)');
  }, 90_000);

  it('answers an agency outside the case as for a case that does not exist', async () => {
    const outside = await read(`/v1/cases/${caseRef}`, token(FR));
    const absent = await read(`/v1/cases/NO-SUCH-${randomUUID()}`, token(FR));
    expect(outside.status).toBe(404);
    expect(absent.status).toBe(404);
    expect((outside.body as { error: { code: string } }).error.code).toBe('cases.not-found');
    expect((absent.body as { error: { code: string } }).error.code).toBe('cases.not-found');
    const list = await read('/v1/cases', token(FR));
    expect(list.status).toBe(200);
    expect(
      (list.body as { cases: { caseRef: string }[] }).cases.map((c) => c.caseRef),
    ).not.toContain(caseRef);
  }, 60_000);
});
