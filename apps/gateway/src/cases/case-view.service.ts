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
  type CaseState,
  type CaseSummary,
  type CaseTimelineEntry,
  type CaseView,
} from '@liaison/cases';
import { DomainError } from '@liaison/errors';
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

@Injectable()
export class CaseViewService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** The cases `agency` takes part in or is invited to, most recently changed first. */
  async list(agency: string, limit: number, now = Date.now()): Promise<CaseSummary[]> {
    const rows: { state: CaseState }[] = await this.ds.query(
      `SELECT state FROM case_state
        WHERE participants @> ARRAY[$1]::text[] OR state->'invited' @> to_jsonb($1::text)
        ORDER BY updated_at DESC, case_ref LIMIT $2`,
      [agency, limit],
    );
    const out: CaseSummary[] = [];
    for (const { state } of rows) {
      const view = caseView(state, agency, now, calendarFor);
      if (view !== null) out.push(caseSummary(view, state.lastEventAt));
    }
    return out;
  }

  async show(agency: string, caseRef: string, now = Date.now()): Promise<CaseDetail> {
    if (caseRef.length === 0 || caseRef.length > MAX_CASE_REF_LENGTH) throw notFound(caseRef);
    const rows: { state: CaseState }[] = await this.ds.query(
      'SELECT state FROM case_state WHERE case_ref = $1',
      [caseRef],
    );
    const state = rows[0]?.state;
    const view = state === undefined ? null : caseView(state, agency, now, calendarFor);
    if (view === null) throw notFound(caseRef);
    return { ...view, timeline: await this.timeline(agency, caseRef) };
  }

  private async timeline(agency: string, caseRef: string): Promise<CaseTimelineEntry[]> {
    const rows: {
      seq: string;
      message_id: string;
      message_type: string;
      originator_agency: string;
      decided_at: Date;
      decision: 'FULL' | 'REDACTED' | 'DENIED';
    }[] = await this.ds.query(
      `SELECT DISTINCT ON (message_id) seq, message_id, message_type, originator_agency,
              decided_at, decision
         FROM share_ledger
        WHERE case_ref = $1
          AND (originator_agency = $2 OR (recipient_agency = $2 AND decision <> 'DENIED'))
        ORDER BY message_id, (originator_agency = $2) DESC, seq`,
      [caseRef, agency],
    );
    const notices = rows
      .map((r) => ({ seq: BigInt(r.seq), row: r }))
      .sort((a, b) => (a.seq < b.seq ? -1 : 1))
      .map(({ row: r }): CaseTimelineEntry => {
        const sent = r.originator_agency === agency;
        return {
          kind: 'NOTICE',
          seq: String(r.seq),
          messageId: r.message_id,
          messageType: r.message_type,
          from: r.originator_agency,
          at: new Date(r.decided_at).toISOString(),
          direction: sent ? 'SENT' : 'RECEIVED',
          decision: sent || r.decision === 'DENIED' ? null : r.decision,
          clockNotice: null,
        };
      });
    return mergeTimeline(notices, await this.clockNotices(agency, caseRef));
  }

  /** The clock notices the hub raised to `agency` on this case's requests. */
  private async clockNotices(agency: string, caseRef: string): Promise<CaseTimelineEntry[]> {
    const rows: {
      notice_id: string;
      alert: 'DEADLINE_APPROACHING' | 'OVERDUE';
      request_id: string;
      requested_agency: string;
      clock: string;
      due_at: Date;
      raised_at: Date;
    }[] = await this.ds.query(
      `SELECT notice_id, alert, request_id, requested_agency, clock, due_at, raised_at
         FROM case_clock_notice
        WHERE case_ref = $1 AND recipient_agency = $2
        ORDER BY raised_at, notice_id`,
      [caseRef, agency],
    );
    return rows.map((r): CaseTimelineEntry => ({
      kind: 'CLOCK',
      seq: null,
      messageId: r.notice_id,
      messageType: r.alert,
      from: HUB_SENDER,
      at: new Date(r.raised_at).toISOString(),
      direction: 'RECEIVED',
      decision: null,
      clockNotice: {
        alert: r.alert,
        requestId: r.request_id,
        requestedAgency: r.requested_agency,
        clock: r.clock,
        dueAt: new Date(r.due_at).toISOString(),
      },
    }));
  }
}
