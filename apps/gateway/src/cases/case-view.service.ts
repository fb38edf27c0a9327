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
import { CaseRepository } from '@liaison/persistence';
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
  private readonly cases: CaseRepository;

  constructor(@Inject(DATA_SOURCE) ds: DataSource) {
    this.cases = new CaseRepository(ds);
  }

  /** The cases `agency` takes part in or is invited to, most recently changed first. */
  async list(agency: string, limit: number, now = Date.now()): Promise<CaseSummary[]> {
    const out: CaseSummary[] = [];
    for (const state of await this.cases.statesOf(agency, limit)) {
      const view = caseView(state, agency, now, calendarFor);
      if (view !== null) out.push(caseSummary(view, state.lastEventAt));
    }
    return out;
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
