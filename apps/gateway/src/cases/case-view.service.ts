/**
 * Reads a case for one participant agency: its stored state (case_state, folded
 * by the audit app) with the clocks read now (libs/cases), and the timeline of
 * what the agency is entitled to: the case's notices it sent and the ones
 * delivered to it, from the share ledger (never one denied to it, nor one
 * between other agencies), and the clock notices the hub raised to it
 * (case_clock_notice, never one raised to another party). An agency invited to
 * the case reads its invitation (see caseView); a case the agency neither takes
 * part in nor is invited to is answered as absent.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  HUB_SENDER,
  calendarFor,
  caseSummary,
  caseView,
  mergeTimeline,
  type CaseSummary,
  type CaseTimelineEntry,
  type CaseView,
} from '@liaison/cases';
import { DomainError } from '@liaison/errors';
import { CaseRepository, type CaseListPosition } from '@liaison/persistence';
import { DATA_SOURCE } from '../tokens';

export interface CaseDetail extends CaseView {
  readonly timeline: readonly CaseTimelineEntry[];
}

/** Longest case reference looked up; longer ones cannot exist (and are not looked up). */
export const MAX_CASE_REF_LENGTH = 200;

function notFound(caseRef: string): DomainError {
  // Same answer for "absent" and "not yours": a case's existence does not leak.
  return new DomainError('cases.not-found', `no case ${caseRef} for this agency`, 'not-found');
}

/** The opaque cursor of a list position: base64url of `[changedUs, caseRef]`. */
export function cursorOf(position: CaseListPosition): string {
  return Buffer.from(JSON.stringify([position.changedUs, position.caseRef]), 'utf8').toString(
    'base64url',
  );
}

/** The position a cursor names; a cursor this list did not give is refused (400 cases.bad-cursor). */
export function positionOf(cursor: string | undefined): CaseListPosition | undefined {
  if (cursor === undefined) return undefined;
  const refused = new DomainError(
    'cases.bad-cursor',
    'cursor must be the nextCursor of a previous page',
    'invalid-input',
    { field: 'cursor' },
  );
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw refused;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw refused;
  const [changedUs, caseRef] = parsed as unknown[];
  if (typeof changedUs !== 'string' || !/^\d{1,18}$/.test(changedUs)) throw refused;
  if (typeof caseRef !== 'string' || caseRef.length === 0 || caseRef.length > MAX_CASE_REF_LENGTH)
    throw refused;
  return { changedUs, caseRef };
}

@Injectable()
export class CaseViewService {
  private readonly cases: CaseRepository;

  constructor(@Inject(DATA_SOURCE) ds: DataSource) {
    this.cases = new CaseRepository(ds);
  }

  /**
   * A page of the cases `agency` takes part in or is invited to, most recently
   * changed first, after `cursor` (from the previous page's nextCursor).
   */
  async list(
    agency: string,
    limit: number,
    cursor?: string,
    now = Date.now(),
  ): Promise<{ cases: CaseSummary[]; total: number; nextCursor: string | null }> {
    const page = await this.cases.statesPageOf(agency, limit, positionOf(cursor));
    const cases: CaseSummary[] = [];
    for (const state of page.states) {
      const view = caseView(state, agency, now, calendarFor);
      if (view !== null) cases.push(caseSummary(view, state.lastEventAt));
    }
    return {
      cases,
      total: page.total,
      nextCursor: page.next === undefined ? null : cursorOf(page.next),
    };
  }

  async show(agency: string, caseRef: string, now = Date.now()): Promise<CaseDetail> {
    if (caseRef.length === 0 || caseRef.length > MAX_CASE_REF_LENGTH) throw notFound(caseRef);
    const state = await this.cases.state(caseRef);
    const view = state === undefined ? null : caseView(state, agency, now, calendarFor);
    if (view === null) throw notFound(caseRef);
    return { ...view, timeline: await this.timeline(agency, caseRef) };
  }

  private async timeline(agency: string, caseRef: string): Promise<CaseTimelineEntry[]> {
    const notices = (await this.cases.noticesFor(caseRef, agency))
      .map((r) => ({ seq: BigInt(r.seq), row: r }))
      .sort((a, b) => (a.seq < b.seq ? -1 : 1))
      .map(({ row: r }): CaseTimelineEntry => {
        const sent = r.originatorAgency === agency;
        return {
          kind: 'NOTICE',
          seq: r.seq,
          messageId: r.messageId,
          messageType: r.messageType,
          from: r.originatorAgency,
          at: new Date(r.decidedAt).toISOString(),
          direction: sent ? 'SENT' : 'RECEIVED',
          decision: sent || r.decision === 'DENIED' ? null : r.decision,
          clockNotice: null,
        };
      });
    return mergeTimeline(notices, await this.clockNotices(agency, caseRef));
  }

  /** The clock notices the hub raised to `agency` on this case's requests. */
  private async clockNotices(agency: string, caseRef: string): Promise<CaseTimelineEntry[]> {
    const rows = await this.cases.clockNoticesTo(caseRef, agency);
    return rows.map((r): CaseTimelineEntry => ({
      kind: 'CLOCK',
      seq: null,
      messageId: r.noticeId,
      messageType: r.alert,
      from: HUB_SENDER,
      at: new Date(r.raisedAt).toISOString(),
      direction: 'RECEIVED',
      decision: null,
      clockNotice: {
        alert: r.alert,
        requestId: r.requestId,
        requestedAgency: r.requestedAgency,
        clock: r.clock,
        dueAt: new Date(r.dueAt).toISOString(),
      },
    }));
  }
}
