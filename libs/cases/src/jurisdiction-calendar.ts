/**
 * The calendar a legal clock runs in: the executing jurisdiction's time zone (luxon,
 * so days are local days across DST changes) and its working days (Monday to
 * Friday, less every day covered by the public holidays `date-holidays` lists for
 * the country: some last more than a day, such as Romania's New Year, 1 and 2
 * January, and Moldova's Orthodox Christmas, 7 and 8 January).
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { Instant } from './case-event';

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

export interface JurisdictionCalendar {
  readonly jurisdiction: string;
  readonly timeZone: string;
  isWorkingDay(date: LocalDate): boolean;
}

/**
 * Jurisdiction codes of the directory that are not ISO countries of date-holidays:
 * `UK` is the United Kingdom (ISO `GB`); `INT` (international bodies) keeps UTC and
 * no public holidays of its own.
 */
const ALIASES: Readonly<Record<string, { country: string | null; timeZone: string }>> = {
  UK: { country: 'GB', timeZone: 'Europe/London' },
  INT: { country: null, timeZone: 'UTC' },
};

const calendars = new Map<string, JurisdictionCalendar | null>();

/** The calendar of a jurisdiction, or null when the hub knows none for it. */
export function calendarFor(jurisdiction: string): JurisdictionCalendar | null {
  const known = calendars.get(jurisdiction);
  if (known !== undefined) return known;
  const calendar = buildCalendar(jurisdiction);
  calendars.set(jurisdiction, calendar);
  return calendar;
}

function buildCalendar(jurisdiction: string): JurisdictionCalendar | null {
  const alias = Object.hasOwn(ALIASES, jurisdiction) ? ALIASES[jurisdiction] : undefined;
  if (alias !== undefined && alias.country === null) {
    return {
      jurisdiction,
      timeZone: alias.timeZone,
      isWorkingDay: (d) => !isWeekend(d, alias.timeZone),
    };
  }
  const country = alias?.country ?? jurisdiction;
  if (!/^[A-Z]{2}$/.test(country)) return null;
  if (!Object.hasOwn(new Holidays().getCountries(), country)) return null;
  const holidays = new Holidays(country);
  // The first zone date-holidays lists is the country's main one (its capital's).
  const timeZone = alias?.timeZone ?? holidays.getTimezones()[0];
  if (timeZone === undefined || !DateTime.local().setZone(timeZone).isValid) return null;
  // Per year, the local days covered by the public holidays that begin in it.
  const publicHolidays = new Map<number, ReadonlySet<LocalDate>>();
  const holidaysOf = (year: number): ReadonlySet<LocalDate> => {
    let dates = publicHolidays.get(year);
    if (dates === undefined) {
      const days = new Set<LocalDate>();
      for (const h of holidays.getHolidays(year)) {
        if (h.type !== 'public') continue;
        let day = h.date.slice(0, 10);
        days.add(day);
        for (;;) {
          day = addLocalDays(day, 1);
          if (startOfLocalDay(day, timeZone) >= h.end.getTime()) break;
          days.add(day);
        }
      }
      dates = days;
      publicHolidays.set(year, dates);
    }
    return dates;
  };
  const year = (date: LocalDate): number => Number(date.slice(0, 4));
  return {
    jurisdiction,
    timeZone,
    // A holiday that begins on 31 December may cover the next year's first day.
    isWorkingDay: (date) =>
      !isWeekend(date, timeZone) &&
      !holidaysOf(year(date)).has(date) &&
      !holidaysOf(year(date) - 1).has(date),
  };
}

function isWeekend(date: LocalDate, timeZone: string): boolean {
  return DateTime.fromISO(date, { zone: timeZone }).weekday >= 6;
}

/** The local date an instant falls on in a time zone. */
export function localDateOf(at: Instant, timeZone: string): LocalDate {
  return DateTime.fromMillis(at, { zone: timeZone }).toISODate() ?? '';
}

/** The instant a local day starts (local midnight, whatever the DST offset). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Instant {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toMillis();
}

/** The local date `days` after `date`. */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() ?? '';
}

/** The instant a local day ends: the next local midnight (exclusive). */
export function endOfLocalDay(date: LocalDate, timeZone: string): Instant {
  return startOfLocalDay(addLocalDays(date, 1), timeZone);
}
