/**
 * DEADLINE_APPROACHING and OVERDUE notices of case requests' legal clocks.
 * The clocks are read with libs/cases (clockAlerts); each alert becomes a
 * hub-signed CaseClockNotice for each party (the requester and the requested
 * agency), written once: `case_clock_notice` keeps every notice raised by its
 * derived id, and only a notice new there goes into the recipient's feed and
 * the law-enforcement log. Raised by the ledger writer for the cases a batch
 * changed (in its transaction) and by a periodic sweep of the open cases, so a
 * clock that runs out with no new notice is told too.
 */
import { calendarFor, clockAlertKey, clockAlerts, type CaseState } from '@liaison/cases';
import { codecFor, type CaseClockNotice } from '@liaison/contracts';
import { canonicalJson, signCompactJws, type JwsSigner } from '@liaison/crypto';
import {
  CaseRepository,
  appendLeLog,
  hubNoticeId,
  insertHubNotices,
  type HubNotice,
  type LeLogEntry,
  type SqlRunner,
} from '@liaison/persistence';
import { HUB_ACTOR } from './decision-records';

const clockNoticeCodec = codecFor('CaseClockNotice');

/** A notice as planned: everything but the hub's signature, added once it is known to be new. */
export type PlannedClockNotice = Omit<CaseClockNotice, 'hubSignature'>;

/** The notices `states`' clocks owe at `now`, by notice id (ascending, so writers lock in one order). */
export function planClockNotices(states: Iterable<CaseState>, now: number): PlannedClockNotice[] {
  const planned: PlannedClockNotice[] = [];
  const raisedAt = new Date(now).toISOString();
  for (const state of states) {
    for (const alert of clockAlerts(state, now, calendarFor)) {
      for (const recipient of alert.recipients) {
        planned.push({
          noticeId: hubNoticeId('case-clock-notice', clockAlertKey(alert, recipient)),
          recipientAgency: recipient,
          alert: alert.alert,
          caseRef: alert.caseRef,
          requestId: alert.requestId.toLowerCase(),
          requester: alert.requester,
          requestedAgency: alert.requestedAgency,
          instrument: alert.instrument,
          clock: alert.clock,
          dueAt: new Date(alert.dueAt).toISOString(),
          raisedAt,
        });
      }
    }
  }
  return planned.sort((a, b) => (a.noticeId < b.noticeId ? -1 : a.noticeId > b.noticeId ? 1 : 0));
}

/** The notice signed by the hub (over its other fields as canonical JSON), as a feed entry. */
export function signedClockNotice(planned: PlannedClockNotice, signer: JwsSigner): HubNotice {
  const notice: CaseClockNotice = {
    ...planned,
    hubSignature: signCompactJws(JSON.parse(canonicalJson(planned)) as unknown, signer, {
      typ: 'liaison-case-clock-notice+jws',
    }),
  };
  return {
    recipientAgency: planned.recipientAgency,
    noticeId: planned.noticeId,
    record: clockNoticeCodec.encode(notice),
  };
}

/** The log entry of a notice raised: the hub told `recipient` of a clock, metadata only. */
export function clockNoticeLogEntry(notice: PlannedClockNotice): LeLogEntry {
  return {
    actor: HUB_ACTOR,
    action: 'DISCLOSURE',
    subject: notice.requestId,
    justification: `${notice.alert} of the ${notice.clock} clock (due ${notice.dueAt}) told to ${notice.recipientAgency}`,
    details: {
      noticeId: notice.noticeId,
      caseRef: notice.caseRef,
      recipientAgency: notice.recipientAgency,
      requester: notice.requester,
      requestedAgency: notice.requestedAgency,
      instrument: notice.instrument,
      clock: notice.clock,
      alert: notice.alert,
      dueAt: notice.dueAt,
    },
  };
}

/**
 * Records the notices not raised before and writes those into the feeds and
 * the log, on `db` (inside the caller's transaction); returns how many were new.
 */
export async function raiseClockNotices(
  db: SqlRunner,
  planned: readonly PlannedClockNotice[],
  signer: JwsSigner,
): Promise<number> {
  if (planned.length === 0) return 0;
  const fresh = await new CaseRepository(db).recordClockNotices(planned);
  const raised = planned.filter((p) => fresh.has(p.noticeId));
  await insertHubNotices(
    db,
    'CASE_CLOCK_NOTICE',
    raised.map((p) => signedClockNotice(p, signer)),
  );
  if (raised.length > 0) {
    await appendLeLog(db, raised.map(clockNoticeLogEntry));
  }
  return raised.length;
}
