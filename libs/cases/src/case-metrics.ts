/**
 * Case metrics as one agency (or oversight) may see them: per lead agency, cases
 * opened, resolved (closed with CONVICTION or PROSECUTION) and with a victim
 * referral, and their rates; the time counterparts took to acknowledge and to
 * answer the viewer's requests, per counterpart jurisdiction (median, p90); and
 * the overdue requests on both sides (deadlines missed, answered late or not
 * answered yet). Computed from replayed case states, so a
 * case counts once however often its notices were redelivered or repeated.
 * Figures about other agencies go through small-count suppression.
 */
import type { AgencyId, Instant } from './case-event';
import type { CaseState } from './case-state';
import type { JurisdictionCalendar } from './jurisdiction-calendar';
import { deadlineMissed, requestClocks } from './request-clock';
import { SMALL_COUNT_THRESHOLD, suppressColumn, type Cell } from '@liaison/small-counts';

export interface CaseCounts<T> {
  readonly casesOpened: T;
  readonly casesResolved: T;
  readonly casesWithVictimReferral: T;
}

export interface AgencyCaseFigures extends CaseCounts<Cell> {
  readonly agency: AgencyId;
  /** The agency's jurisdiction, as its cases were opened in. */
  readonly jurisdiction: string;
  readonly own: boolean;
  readonly resolutionRate: number | null;
  readonly victimReferralRate: number | null;
}

export interface DurationStats {
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface CounterpartResponseTimes {
  readonly jurisdiction: string;
  readonly toAcknowledge: DurationStats;
  readonly toAnswer: DurationStats;
}

export interface CaseMetrics {
  readonly smallCountThreshold: number;
  readonly perAgency: readonly AgencyCaseFigures[];
  readonly totals: CaseCounts<Cell> & {
    readonly resolutionRate: number | null;
    readonly victimReferralRate: number | null;
  };
  readonly responseTimes: readonly CounterpartResponseTimes[];
  readonly overdue: { readonly asRequester: number; readonly asRequested: number };
}

export interface CaseMetricsQuery {
  readonly cases: readonly CaseState[];
  /** The agency looking; null for oversight, which sees no figure unsuppressed. */
  readonly viewer: AgencyId | null;
  readonly now: Instant;
  readonly calendarOf: (jurisdiction: string) => JurisdictionCalendar | null;
}

const RESOLVED = new Set(['CONVICTION', 'PROSECUTION']);

interface LeadCounts {
  readonly jurisdiction: string;
  opened: number;
  resolved: number;
  referred: number;
}

export function caseMetrics(query: CaseMetricsQuery): CaseMetrics {
  const cases = distinctCases(query.cases);
  const k = SMALL_COUNT_THRESHOLD;
  const counts = new Map<AgencyId, LeadCounts>();
  for (const c of cases) {
    if (c.lead === null) continue;
    const row = counts.get(c.lead) ?? {
      jurisdiction: c.jurisdiction ?? 'unknown',
      opened: 0,
      resolved: 0,
      referred: 0,
    };
    row.opened += 1;
    if (c.outcome !== null && RESOLVED.has(c.outcome)) row.resolved += 1;
    if (c.victimReferrals > 0) row.referred += 1;
    counts.set(c.lead, row);
  }
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const column = (pick: (r: LeadCounts) => number) =>
    suppressColumn(
      rows.map(([agency, r]) => ({ key: agency, value: pick(r), own: agency === query.viewer })),
      k,
    );
  const opened = column((r) => r.opened);
  const resolved = column((r) => r.resolved);
  const referred = column((r) => r.referred);
  const cell = (c: ReturnType<typeof column>, agency: AgencyId): Cell => c.cells.get(agency) ?? 0;
  const perAgency = rows.map(([agency, r]): AgencyCaseFigures => {
    const own = agency === query.viewer;
    const o = cell(opened, agency);
    return {
      agency,
      jurisdiction: r.jurisdiction,
      own,
      casesOpened: o,
      casesResolved: cell(resolved, agency),
      casesWithVictimReferral: cell(referred, agency),
      resolutionRate: caseRate(cell(resolved, agency), o, own),
      victimReferralRate: caseRate(cell(referred, agency), o, own),
    };
  });
  return {
    smallCountThreshold: k,
    perAgency,
    totals: {
      casesOpened: opened.total,
      casesResolved: resolved.total,
      casesWithVictimReferral: referred.total,
      resolutionRate: caseRate(resolved.total, opened.total, false),
      victimReferralRate: caseRate(referred.total, opened.total, false),
    },
    responseTimes: responseTimes(cases, query.viewer),
    overdue: overdue(cases, query),
  };
}

/** One state per case reference (the first given), whatever the caller repeated. */
function distinctCases(cases: readonly CaseState[]): CaseState[] {
  const seen = new Set<string>();
  const out: CaseState[] = [];
  for (const c of cases) {
    if (c.caseRef === null || c.status === 'NONE' || seen.has(c.caseRef)) continue;
    seen.add(c.caseRef);
    out.push(c);
  }
  return out;
}

/** A rate shown only where both figures are shown and, for others, the base is not small. */
export function caseRate(numerator: Cell, denominator: Cell, own: boolean): number | null {
  if (numerator === 'suppressed' || denominator === 'suppressed' || denominator === 0) return null;
  if (!own && denominator < SMALL_COUNT_THRESHOLD) return null;
  return Math.round((numerator / denominator) * 1000) / 1000;
}

/**
 * Time from sending to each counterpart's acknowledgement and first answer, for the
 * viewer's own requests (its own experience, unsuppressed); for oversight, every
 * request, a jurisdiction's statistics shown only from k requests up.
 */
function responseTimes(
  cases: readonly CaseState[],
  viewer: AgencyId | null,
): CounterpartResponseTimes[] {
  const byJurisdiction = new Map<string, { ack: number[]; answer: number[] }>();
  for (const c of cases) {
    for (const r of c.requests) {
      if (viewer !== null && r.requester !== viewer) continue;
      for (const leg of r.legs) {
        const entry = byJurisdiction.get(leg.jurisdiction) ?? { ack: [], answer: [] };
        if (leg.acknowledgedAt !== null) entry.ack.push(leg.acknowledgedAt - r.sentAt);
        if (leg.firstAnswerAt !== null) entry.answer.push(leg.firstAnswerAt - r.sentAt);
        byJurisdiction.set(leg.jurisdiction, entry);
      }
    }
  }
  const shown = viewer !== null;
  return [...byJurisdiction.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([jurisdiction, e]) => ({
      jurisdiction,
      toAcknowledge: durationStats(e.ack, shown),
      toAnswer: durationStats(e.answer, shown),
    }));
}

/** Median and 90th percentile by the nearest-rank method. */
export function durationStats(values: readonly number[], unsuppressed: boolean): DurationStats {
  if (values.length === 0 || (!unsuppressed && values.length < SMALL_COUNT_THRESHOLD)) {
    return { count: values.length, medianMs: null, p90Ms: null };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { count: values.length, medianMs: rank(0.5), p90Ms: rank(0.9) };
}

/**
 * Request legs that missed a deadline by `now` (a clock still overdue, or met
 * late): the viewer's requests, and those asked of it. A leg counts once however
 * many of its clocks ran out.
 */
function overdue(cases: readonly CaseState[], query: CaseMetricsQuery): CaseMetrics['overdue'] {
  let asRequester = 0;
  let asRequested = 0;
  for (const c of cases) {
    for (const r of c.requests) {
      const late = new Set(
        requestClocks(r, query.now, query.calendarOf)
          .filter((clock) => deadlineMissed(clock.status))
          .map((clock) => clock.agency),
      );
      if (query.viewer === null || r.requester === query.viewer) asRequester += late.size;
      if (query.viewer !== null && late.has(query.viewer)) asRequested += 1;
    }
  }
  return { asRequester, asRequested };
}
