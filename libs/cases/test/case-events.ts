/** Builders for case events in tests: defaults for the header, one line per event. */
import type { Addressee, CaseEvent, Instant } from '@liaison/cases';

let counter = 0;

export const CASE_REF = 'NL-KNP-2026-007';
export const T0: Instant = Date.UTC(2026, 2, 2, 9, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

type Header = { eventId?: string; caseRef?: string; by: string; at: Instant };
type Body<K extends CaseEvent['kind']> = Omit<
  Extract<CaseEvent, { kind: K }>,
  'eventId' | 'caseRef' | 'by' | 'at' | 'kind'
>;

export function ev<K extends CaseEvent['kind']>(kind: K, header: Header, body: Body<K>): CaseEvent {
  counter += 1;
  return {
    eventId: header.eventId ?? `ev-${counter}`,
    caseRef: header.caseRef ?? CASE_REF,
    by: header.by,
    at: header.at,
    kind,
    ...body,
  } as CaseEvent;
}

export const to = (agency: string, jurisdiction: string): Addressee => ({ agency, jurisdiction });
