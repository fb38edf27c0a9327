/**
 * Legal clocks of a request, one set per requested agency (leg), as pure functions
 * of the request's state and `now`. Each instrument sets its clocks (see
 * `clockRulesOf`); a clock's due instant is computed in the executing
 * jurisdiction's calendar, then pushed back by the time the request spent
 * suspended (measured in the clock's own unit: working time for working-day
 * clocks, elapsed time otherwise). Sources and readings: docs/cases.md.
 */
import type { Instant } from './case-event';
import type { CaseRequest, RequestLeg, Suspension } from './case-state';
import {
  addLocalDays,
  endOfLocalDay,
  localDateOf,
  startOfLocalDay,
  type JurisdictionCalendar,
} from './jurisdiction-calendar';
import type { InstrumentKind } from '@liaison/contracts';
import type { Instrument } from './legal-instrument';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How a clock's period is counted. */
export type ClockPeriod =
  /** Elapsed hours from the start. */
  | { readonly unit: 'HOURS'; readonly hours: number }
  /**
   * Calendar days, the start day not counted, ending at the end of the last day
   * (Regulation 1182/71 Art. 3(1), 3(2)(b)); with `rollToWorkingDay`, a period
   * ending on a Saturday, Sunday or public holiday ends with the next working day
   * (Art. 3(4)).
   */
  | { readonly unit: 'CALENDAR_DAYS'; readonly days: number; readonly rollToWorkingDay: boolean }
  /** Working days of the executing jurisdiction, the start day not counted. */
  | { readonly unit: 'WORKING_DAYS'; readonly days: number }
  /** A stated instant. */
  | { readonly unit: 'UNTIL'; readonly at: Instant };

export type ClockName = 'RECOGNITION' | 'EXECUTION' | 'RESPONSE';

export interface ClockRule {
  readonly clock: ClockName;
  readonly period: ClockPeriod;
  /** The clock runs from the request's receipt, or from the decision to execute it. */
  readonly startsOn: 'RECEIPT' | 'ACCEPTANCE';
  /** It stops on the decision (accept or refuse), or on a complete answer or a refusal. */
  readonly stopsOn: 'DECISION' | 'COMPLETE_ANSWER';
  /** DEADLINE_APPROACHING from this long before the due instant. */
  readonly leadMs: number;
}

/** Share of a bilateral period after which its deadline counts as approaching. */
export const BILATERAL_APPROACHING_SHARE = 0.8;

/** The clocks an instrument sets; `sentAt` only matters for a bilateral stated instant. */
export function clockRulesOf(instrument: Instrument, sentAt: Instant): readonly ClockRule[] {
  const response = (period: ClockPeriod, leadMs: number): ClockRule[] => [
    { clock: 'RESPONSE', period, startsOn: 'RECEIPT', stopsOn: 'COMPLETE_ANSWER', leadMs },
  ];
  switch (instrument.kind) {
    case 'EIO':
      return [
        {
          clock: 'RECOGNITION',
          period: { unit: 'CALENDAR_DAYS', days: 30, rollToWorkingDay: true },
          startsOn: 'RECEIPT',
          stopsOn: 'DECISION',
          leadMs: 7 * DAY,
        },
        {
          clock: 'EXECUTION',
          period: { unit: 'CALENDAR_DAYS', days: 90, rollToWorkingDay: true },
          startsOn: 'ACCEPTANCE',
          stopsOn: 'COMPLETE_ANSWER',
          leadMs: 14 * DAY,
        },
      ];
    case 'IED_URGENT_DIRECT':
      return response({ unit: 'HOURS', hours: 8 }, 2 * HOUR);
    case 'IED_URGENT_INDIRECT':
      return response({ unit: 'CALENDAR_DAYS', days: 3, rollToWorkingDay: false }, DAY);
    case 'IED_NON_URGENT':
      return response({ unit: 'CALENDAR_DAYS', days: 7, rollToWorkingDay: false }, 2 * DAY);
    case 'PRUM_FOLLOW_UP':
      return response({ unit: 'HOURS', hours: 48 }, 12 * HOUR);
    case 'BILATERAL': {
      const deadline = instrument.deadline;
      const period: ClockPeriod =
        deadline.kind === 'AT'
          ? { unit: 'UNTIL', at: deadline.at }
          : { unit: 'WORKING_DAYS', days: deadline.days };
      // The lead is set from the period's length once its calendar is known.
      return response(period, deadline.kind === 'AT' ? bilateralLead(sentAt, deadline.at) : -1);
    }
  }
}

function bilateralLead(start: Instant, end: Instant): number {
  return Math.round((end - start) * (1 - BILATERAL_APPROACHING_SHARE));
}

export type ClockStatus =
  /** Running, more than the lead before the due instant. */
  | 'RUNNING'
  /** Running, within the lead of the due instant: DEADLINE_APPROACHING. */
  | 'APPROACHING'
  /** Past the due instant and not stopped: OVERDUE. */
  | 'OVERDUE'
  /** The request is suspended; the clock does not run. */
  | 'PAUSED'
  /** Stopped in time. */
  | 'MET'
  /** Stopped after the due instant. */
  | 'MET_LATE'
  /** The requester closed the request before the obligation was met, in time. */
  | 'CLOSED'
  /** The requester closed the request after the due instant, the obligation unmet. */
  | 'CLOSED_LATE';

/**
 * Whether a clock in `status` missed its deadline: still running past it
 * (OVERDUE), or stopped after it by a late answer (MET_LATE) or by the
 * requester closing the request (CLOSED_LATE). Neither undoes the miss.
 */
export function deadlineMissed(status: ClockStatus): boolean {
  return status === 'OVERDUE' || status === 'MET_LATE' || status === 'CLOSED_LATE';
}

export interface ClockReading {
  readonly clock: ClockName;
  readonly instrument: InstrumentKind;
  readonly agency: string;
  readonly jurisdiction: string;
  readonly startedAt: Instant;
  /** End of the period as counted, before the working-day roll and suspensions. */
  readonly periodEndAt: Instant;
  /** The instant the obligation falls due (exclusive: due means before this instant). */
  readonly dueAt: Instant;
  readonly approachingAt: Instant;
  /** Suspended time counted against the clock, in its own unit. */
  readonly suspendedMs: number;
  readonly stoppedAt: Instant | null;
  readonly status: ClockStatus;
}

/**
 * Every clock of a request at `now`, per requested agency. A clock appears once it
 * has started (the execution clock of an EIO once the leg is accepted).
 */
export function requestClocks(
  request: CaseRequest,
  now: Instant,
  calendarOf: (jurisdiction: string) => JurisdictionCalendar | null,
): ClockReading[] {
  if (request.instrument === null) return [];
  const instrument = request.instrument;
  const readings: ClockReading[] = [];
  for (const leg of request.legs) {
    const calendar = calendarOf(leg.jurisdiction);
    if (calendar === null) throw new Error(`no calendar for jurisdiction ${leg.jurisdiction}`);
    for (const rule of clockRulesOf(instrument, request.sentAt)) {
      const startedAt = rule.startsOn === 'RECEIPT' ? request.sentAt : acceptedAt(leg);
      if (startedAt === null) continue;
      readings.push(
        readClock(rule, instrument.kind, {
          leg,
          calendar,
          startedAt,
          stop: stopOf(rule, leg, request.closedAt),
          suspensions: request.suspensions,
          now,
        }),
      );
    }
  }
  return readings;
}

function acceptedAt(leg: RequestLeg): Instant | null {
  return leg.status === 'REFUSED' ? null : leg.decidedAt;
}

interface ClockStop {
  readonly at: Instant;
  /** Met by the requested agency, or ended by the requester closing the request. */
  readonly by: 'OBLIGATION' | 'CLOSURE';
}

function stopOf(rule: ClockRule, leg: RequestLeg, closedAt: Instant | null): ClockStop | null {
  const own =
    rule.stopsOn === 'DECISION' || leg.status === 'REFUSED' ? leg.decidedAt : leg.completedAt;
  if (own !== null && (closedAt === null || own <= closedAt)) return { at: own, by: 'OBLIGATION' };
  return closedAt === null ? null : { at: closedAt, by: 'CLOSURE' };
}

interface ClockInput {
  readonly leg: RequestLeg;
  readonly calendar: JurisdictionCalendar;
  readonly startedAt: Instant;
  readonly stop: ClockStop | null;
  readonly suspensions: readonly Suspension[];
  readonly now: Instant;
}

function readClock(rule: ClockRule, instrument: InstrumentKind, input: ClockInput): ClockReading {
  const { calendar, startedAt, now } = input;
  const stoppedAt = input.stop !== null && input.stop.at <= now ? input.stop.at : null;
  const until = stoppedAt === null ? now : Math.min(now, stoppedAt);
  const measure = rule.period.unit === 'WORKING_DAYS' ? workingTime(calendar) : elapsedTime;
  const periodEndAt = periodEnd(rule.period, startedAt, calendar);
  const rolls = rule.period.unit === 'CALENDAR_DAYS' && rule.period.rollToWorkingDay;
  // Suspended time extends the period as the law ends it (rolled), then rolls again.
  let end = rolls ? rolledToWorkingDay(periodEndAt, calendar) : periodEndAt;
  let suspendedMs = 0;
  for (const s of [...input.suspensions].sort((a, b) => a.from - b.from)) {
    const from = Math.max(s.from, startedAt);
    const to = Math.min(s.to ?? until, until);
    // A suspension that begins once the clock has run out does not cure the delay.
    if (to <= from || from >= end) continue;
    const spent = measure.between(from, to);
    suspendedMs += spent;
    end = measure.advance(end, spent);
  }
  const dueAt = rolls ? rolledToWorkingDay(end, calendar) : end;
  const leadMs = rule.leadMs >= 0 ? rule.leadMs : bilateralLead(startedAt, periodEndAt);
  const approachingAt = dueAt - leadMs;
  const pausedNow = input.suspensions.some(
    (s) => s.from <= now && (s.to === null || s.to > now) && s.from < end,
  );
  const status: ClockStatus =
    stoppedAt !== null
      ? input.stop?.by === 'CLOSURE'
        ? stoppedAt < dueAt
          ? 'CLOSED'
          : 'CLOSED_LATE'
        : stoppedAt < dueAt
          ? 'MET'
          : 'MET_LATE'
      : now >= dueAt
        ? 'OVERDUE'
        : pausedNow
          ? 'PAUSED'
          : now >= approachingAt
            ? 'APPROACHING'
            : 'RUNNING';
  return {
    clock: rule.clock,
    instrument,
    agency: input.leg.agency,
    jurisdiction: input.leg.jurisdiction,
    startedAt,
    periodEndAt,
    dueAt,
    approachingAt,
    suspendedMs,
    stoppedAt,
    status,
  };
}

/** The end of a period started at `start`, before suspensions and the roll. */
export function periodEnd(
  period: ClockPeriod,
  start: Instant,
  calendar: JurisdictionCalendar,
): Instant {
  switch (period.unit) {
    case 'HOURS':
      return start + period.hours * HOUR;
    case 'UNTIL':
      return period.at;
    case 'CALENDAR_DAYS':
      return endOfLocalDay(
        addLocalDays(localDateOf(start, calendar.timeZone), period.days),
        calendar.timeZone,
      );
    case 'WORKING_DAYS': {
      let date = localDateOf(start, calendar.timeZone);
      for (let counted = 0; counted < period.days;) {
        date = addLocalDays(date, 1);
        if (calendar.isWorkingDay(date)) counted += 1;
      }
      return endOfLocalDay(date, calendar.timeZone);
    }
  }
}

/** A period ending on a non-working day ends instead with the next working day. */
export function rolledToWorkingDay(end: Instant, calendar: JurisdictionCalendar): Instant {
  let date = localDateOf(end - 1, calendar.timeZone);
  if (calendar.isWorkingDay(date)) return end;
  do date = addLocalDays(date, 1);
  while (!calendar.isWorkingDay(date));
  return endOfLocalDay(date, calendar.timeZone);
}

/** How a clock measures time: how much of [from, to) counts, and where `ms` more of it ends. */
interface TimeMeasure {
  between(from: Instant, to: Instant): number;
  advance(from: Instant, ms: number): Instant;
}

const elapsedTime: TimeMeasure = {
  between: (from, to) => Math.max(0, to - from),
  advance: (from, ms) => from + ms,
};

/** Only time inside the jurisdiction's working days counts. */
export function workingTime(calendar: JurisdictionCalendar): TimeMeasure {
  const zone = calendar.timeZone;
  return {
    between(from, to) {
      let total = 0;
      for (
        let date = localDateOf(from, zone);
        startOfLocalDay(date, zone) < to;
        date = addLocalDays(date, 1)
      ) {
        if (!calendar.isWorkingDay(date)) continue;
        const start = Math.max(from, startOfLocalDay(date, zone));
        const end = Math.min(to, endOfLocalDay(date, zone));
        if (end > start) total += end - start;
      }
      return total;
    },
    advance(from, ms) {
      let remaining = ms;
      let cursor = from;
      for (let date = localDateOf(from, zone); remaining > 0; date = addLocalDays(date, 1)) {
        if (!calendar.isWorkingDay(date)) continue;
        const start = Math.max(cursor, startOfLocalDay(date, zone));
        const end = endOfLocalDay(date, zone);
        if (start + remaining <= end) return start + remaining;
        remaining -= Math.max(0, end - start);
        cursor = end;
      }
      return cursor;
    },
  };
}
