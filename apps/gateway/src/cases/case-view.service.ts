/**
 * Reads a case for one participant agency: its stored state (case_state, folded
 * by the audit app) with the clocks read now (libs/cases), and the timeline of
 * the case's notices the agency is entitled to, from the share ledger: the ones
 * it sent and the ones delivered to it (never one denied to it, nor one between
 * other agencies). An agency invited to the case reads its invitation (see
 * caseView); a case the agency neither takes part in nor is invited to is
 * answered as absent.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  calendarFor,
  caseSummary,
  caseView,
  type CaseState,
  type CaseSummary,
  type CaseView,
} from '@liaison/cases';
import { DomainError } from '@liaison/errors';
import { DATA_SOURCE } from '../tokens';

/** One notice of the case, as the reading agency saw it pass through the hub. */
export interface CaseTimelineEntry {
  /** The ledger seq of the first row of this notice the agency may see. */
  readonly seq: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly from: string;
  readonly at: string;
  /** SENT: the agency's own notice; RECEIVED: delivered to it (in full or redacted). */
  readonly direction: 'SENT' | 'RECEIVED';
  /** For a received notice: FULL or REDACTED; null for a sent one. */
  readonly decision: 'FULL' | 'REDACTED' | null;
}

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
    return rows
      .map((r): CaseTimelineEntry => {
        const sent = r.originator_agency === agency;
        return {
          seq: String(r.seq),
          messageId: r.message_id,
          messageType: r.message_type,
          from: r.originator_agency,
          at: new Date(r.decided_at).toISOString(),
          direction: sent ? 'SENT' : 'RECEIVED',
          decision: sent || r.decision === 'DENIED' ? null : r.decision,
        };
      })
      .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }
}
