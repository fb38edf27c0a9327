/**
 * The clock alerts a case owes its parties at an instant (pure): for every
 * legal clock of every request, DEADLINE_APPROACHING while it is within its
 * lead of the due instant, OVERDUE once it ran out (or was met late, so a late
 * answer between two checks is still told). A paused clock (the request
 * suspended) raises nothing; a clock ended by the requester closing the request
 * neither. Each alert is addressed to both parties, the requester and the
 * requested agency whose clock it is, and has a stable key, so whoever raises
 * it can raise it once however often the check runs.
 */
import type { Instant } from './case-event';
import type { CaseState } from './case-state';
import type { JurisdictionCalendar } from './jurisdiction-calendar';
import { deadlineMissed, requestClocks, type ClockName, type ClockStatus } from './request-clock';
import type { InstrumentKind } from '@liaison/contracts';

export type ClockAlertKind = 'DEADLINE_APPROACHING' | 'OVERDUE';

export interface ClockAlert {
  readonly alert: ClockAlertKind;
  readonly caseRef: string;
  readonly requestId: string;
  readonly requester: string;
  readonly requestedAgency: string;
  readonly instrument: InstrumentKind;
  readonly clock: ClockName;
  readonly dueAt: Instant;
  /** The clock's status at the instant read. */
  readonly status: ClockStatus;
  /** Who is told: the requester and the requested agency, in that order. */
  readonly recipients: readonly string[];
}

/** The alert a clock in `status` raises, if any. */
export function clockAlertOf(status: ClockStatus): ClockAlertKind | null {
  if (deadlineMissed(status)) return 'OVERDUE';
  return status === 'APPROACHING' ? 'DEADLINE_APPROACHING' : null;
}

/** Every alert `state`'s clocks raise at `now`, in request order. */
export function clockAlerts(
  state: CaseState,
  now: Instant,
  calendarOf: (jurisdiction: string) => JurisdictionCalendar | null,
): ClockAlert[] {
  const caseRef = state.caseRef;
  if (caseRef === null) return [];
  const alerts: ClockAlert[] = [];
  for (const request of state.requests) {
    for (const reading of requestClocks(request, now, calendarOf)) {
      const alert = clockAlertOf(reading.status);
      if (alert === null) continue;
      alerts.push({
        alert,
        caseRef,
        requestId: request.requestId,
        requester: request.requester,
        requestedAgency: reading.agency,
        instrument: reading.instrument,
        clock: reading.clock,
        dueAt: reading.dueAt,
        status: reading.status,
        recipients: [request.requester, reading.agency],
      });
    }
  }
  return alerts;
}

/** What makes an alert the same alert: once raised for a recipient, never again. */
export function clockAlertKey(alert: ClockAlert, recipient: string): readonly string[] {
  return [
    recipient,
    alert.caseRef,
    alert.requestId.toLowerCase(),
    alert.requestedAgency,
    alert.clock,
    alert.alert,
  ];
}
