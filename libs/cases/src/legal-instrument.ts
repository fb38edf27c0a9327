/**
 * The legal instruments a request can be made under, and the clocks each sets.
 * Sources and the reading taken of each are in docs/cases.md.
 */
import type { InstrumentKind } from '@liaison/contracts';
import type { Instant } from './case-event';

/**
 * One instrument per `InstrumentKind` of the CaseNotice contract (its `instrument`
 * field); a bilateral request carries its stated deadline.
 */
export type Instrument =
  /** European Investigation Order, Directive 2014/41/EU Art. 12: recognise 30 days, execute 90. */
  | { readonly kind: 'EIO' }
  /** Directive (EU) 2023/977 Art. 5(1)(a): urgent, directly accessible information, 8 hours. */
  | { readonly kind: 'IED_URGENT_DIRECT' }
  /** Directive (EU) 2023/977 Art. 5(1)(b): urgent, indirectly accessible information, 3 calendar days. */
  | { readonly kind: 'IED_URGENT_INDIRECT' }
  /** Directive (EU) 2023/977 Art. 5(1)(c): all other requests, 7 calendar days. */
  | { readonly kind: 'IED_NON_URGENT' }
  /** Prüm II, Regulation (EU) 2024/982: core data following a confirmed match, 48 hours. */
  | { readonly kind: 'PRUM_FOLLOW_UP' }
  /** Mutual assistance outside those instruments: the request states its own deadline. */
  | { readonly kind: 'BILATERAL'; readonly deadline: BilateralDeadline };

export type BilateralDeadline =
  | { readonly kind: 'AT'; readonly at: Instant }
  | { readonly kind: 'WORKING_DAYS'; readonly days: number };

/** Checked when compiling: the union has exactly the contract's instrument kinds. */
type SameKinds = [
  Exclude<InstrumentKind, Instrument['kind']>,
  Exclude<Instrument['kind'], InstrumentKind>,
] extends [never, never]
  ? true
  : never;
export const INSTRUMENTS_MATCH_CONTRACT: SameKinds = true;

/** Longest bilateral deadline the hub accepts in working days (about two years). */
export const MAX_BILATERAL_WORKING_DAYS = 500;

/** Why an instrument is not acceptable for a request sent at `sentAt`, or null. */
export function instrumentProblem(instrument: Instrument, sentAt: Instant): string | null {
  if (instrument.kind !== 'BILATERAL') return null;
  const deadline = instrument.deadline;
  switch (deadline.kind) {
    case 'AT':
      return Number.isSafeInteger(deadline.at) && deadline.at > sentAt
        ? null
        : 'a bilateral deadline must be an instant after the request is sent';
    case 'WORKING_DAYS':
      return Number.isSafeInteger(deadline.days) &&
        deadline.days >= 1 &&
        deadline.days <= MAX_BILATERAL_WORKING_DAYS
        ? null
        : `a bilateral deadline in working days must be a whole number from 1 to ${MAX_BILATERAL_WORKING_DAYS}`;
  }
}
