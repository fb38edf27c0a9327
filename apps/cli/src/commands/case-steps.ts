/**
 * `liaison case open|invite|accept|decline|leave|request|jit|ack|refuse|answer|
 * suspend|resume|refer|close`: each builds the CaseNotice of one step in a case,
 * checks it against the case as the hub shows it to the agency (libs/cases:
 * the same reading and state machine the hub folds notices with), and only
 * then signs it as the acting agency and sends it. A step the state machine
 * refuses is not sent: the command says why, with the refusal code.
 */
import { randomUUID } from 'node:crypto';
import {
  NO_CASE,
  applyCaseEvent,
  caseEventOf,
  caseStateOfView,
  type CaseRefusalCode,
  type CaseView,
} from '@liaison/cases';
import {
  parseMessage,
  type CaseAction,
  type CaseNotice,
  type CaseOutcome,
  type InstrumentKind,
  type SupportService,
} from '@liaison/contracts';

/** A step in a case, as the command line gives it. */
export type CaseStep =
  | {
      readonly kind: 'open';
      readonly title: string | null;
      readonly jurisdictions: readonly string[];
    }
  | { readonly kind: 'invite'; readonly agency: string }
  | { readonly kind: 'accept-invitation' | 'decline-invitation' | 'leave' }
  | {
      readonly kind: 'request';
      readonly to: readonly string[];
      readonly instrument: InstrumentKind;
      readonly deadlineAt: string | null;
      readonly deadlineWorkingDays: number | null;
      readonly ask: string;
    }
  | {
      readonly kind: 'jit';
      readonly to: readonly string[];
      readonly legalBasis: string;
      readonly proposedStart: string;
      readonly durationMonths: number;
    }
  | {
      readonly kind: 'request-step';
      readonly action: Extract<
        CaseAction,
        | 'ACKNOWLEDGE'
        | 'ACCEPT'
        | 'REFUSE'
        | 'ANSWER_PARTIAL'
        | 'ANSWER_COMPLETE'
        | 'SUSPEND'
        | 'RESUME'
        | 'CLOSE_REQUEST'
      >;
      readonly requestId: string;
      readonly reason: string | null;
    }
  | {
      readonly kind: 'refer';
      /** The victim-support organisation the victims are handed to. */
      readonly supportAgency: string;
      readonly victimCount: number;
      readonly minorCount: number;
      readonly services: readonly SupportService[];
    }
  | { readonly kind: 'close'; readonly outcome: CaseOutcome };

export interface StepContext {
  readonly agency: string;
  readonly caseRef: string;
  /** The case as the hub shows it to the agency; null when there is none yet (or not for it). */
  readonly view: CaseView | null;
  readonly now: Date;
  readonly tlp: string;
}

/** Who a step is addressed to: the counterparts that must see it (addressed sharing). */
function counterparts(step: CaseStep, ctx: StepContext): string[] {
  const view = ctx.view;
  const others = (agencies: readonly string[]): string[] =>
    [...new Set(agencies)].filter((a) => a !== ctx.agency);
  switch (step.kind) {
    case 'open':
      return [];
    case 'invite':
      return [step.agency];
    case 'accept-invitation':
    case 'decline-invitation':
    case 'leave':
      return view?.lead === null || view === null ? [] : others([view.lead]);
    case 'request':
    case 'jit':
      return others(step.to);
    case 'request-step': {
      const request = view?.requests.find(
        (r) => r.requestId.toLowerCase() === step.requestId.toLowerCase(),
      );
      if (request === undefined) return [];
      return request.requester === ctx.agency
        ? others(request.legs.map((l) => l.agency))
        : others([request.requester]);
    }
    case 'close':
      return others(view?.participants ?? []);
    case 'refer':
      // The other participants learn of it; the support organisation receives it
      // where the sender's jurisdiction has an addressed agreement with it.
      return others([...(view?.participants ?? []), step.supportAgency]);
  }
}

/** The CaseNotice of `step`, as JSON ready to sign. */
export function caseNoticeOf(step: CaseStep, ctx: StepContext): Record<string, unknown> {
  const requestStep = step.kind === 'request-step' ? step : null;
  const transitionOf = (): Record<string, unknown> | null => {
    switch (step.kind) {
      case 'invite':
        return { action: 'INVITE', requestMessageId: null, reason: null };
      case 'accept-invitation':
        return { action: 'ACCEPT_INVITATION', requestMessageId: null, reason: null };
      case 'decline-invitation':
        return { action: 'DECLINE_INVITATION', requestMessageId: null, reason: null };
      case 'leave':
        return { action: 'LEAVE', requestMessageId: null, reason: null };
      case 'request-step':
        return {
          action: step.action,
          requestMessageId: step.requestId.toLowerCase(),
          reason: step.reason,
        };
      case 'open':
      case 'request':
      case 'jit':
      case 'refer':
      case 'close':
        return null;
    }
  };
  const addressees = counterparts(step, ctx);
  const messageType =
    step.kind === 'open'
      ? 'CASE_OPENED'
      : step.kind === 'request'
        ? 'ASSISTANCE_REQUEST'
        : step.kind === 'jit'
          ? 'JIT_PROPOSED'
          : step.kind === 'close'
            ? 'CASE_CLOSED'
            : step.kind === 'refer'
              ? 'VICTIM_REFERRED'
              : 'CASE_UPDATE';
  return {
    messageId: randomUUID(),
    originatorAgency: ctx.agency,
    messageType,
    issuedAt: ctx.now.toISOString(),
    handling: {
      tlp: ctx.tlp,
      handlingCode: 'H0',
      handlingConditions: null,
      grading: { scale: 'FOUR_BY_FOUR', source: 'B', information: '2' },
      // A referral serves victim support as well as the investigation.
      purposes: step.kind === 'refer' ? ['INVESTIGATION', 'VICTIM_SUPPORT'] : ['INVESTIGATION'],
      releasableTo: [],
      retentionDays: null,
      // TLP:RED reaches only the agencies a message names as recipients.
      namedRecipients: ctx.tlp === 'RED' ? addressees : [],
    },
    caseRef: ctx.caseRef,
    title: step.kind === 'open' ? step.title : null,
    exploitationTypes: [],
    jurisdictions: step.kind === 'open' ? [...step.jurisdictions] : [],
    requestedAgencies: step.kind === 'jit' ? [] : addressees,
    assistanceRequested: step.kind === 'request' ? step.ask : null,
    instrument:
      step.kind === 'request'
        ? {
            kind: step.instrument,
            deadlineAt: step.deadlineAt,
            deadlineWorkingDays: step.deadlineWorkingDays,
          }
        : null,
    jitProposal:
      step.kind === 'jit'
        ? {
            partnerAgencies: [...step.to],
            legalBasis: step.legalBasis,
            proposedStart: step.proposedStart,
            durationMonths: step.durationMonths,
          }
        : null,
    referral:
      step.kind === 'refer'
        ? {
            supportAgency: step.supportAgency,
            victimCount: step.victimCount,
            minorCount: step.minorCount,
            services: [...step.services],
          }
        : null,
    outcome: step.kind === 'close' ? step.outcome : null,
    transition: transitionOf(),
    relatedMessageIds: requestStep === null ? [] : [requestStep.requestId.toLowerCase()],
    subjects: [],
    narrative: null,
  };
}

export type StepCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: CaseRefusalCode | 'INVALID_NOTICE';
      readonly reason: string;
    };

/**
 * Whether the state machine takes `notice` on the case as `view` shows it
 * (`jurisdictionOf` from the hub's directory), before anything is signed.
 */
export function checkCaseStep(
  notice: Record<string, unknown>,
  view: CaseView | null,
  jurisdictionOf: (agency: string) => string | null,
): StepCheck {
  let parsed: CaseNotice;
  try {
    parsed = parseMessage('CASE_NOTICE', notice);
  } catch (error) {
    return { ok: false, code: 'INVALID_NOTICE', reason: (error as Error).message };
  }
  const reading = caseEventOf(parsed, jurisdictionOf);
  if (!reading.ok) return { ok: false, code: reading.code, reason: reading.reason };
  const applied = applyCaseEvent(view === null ? NO_CASE : caseStateOfView(view), reading.event);
  return applied.ok ? { ok: true } : { ok: false, code: applied.code, reason: applied.reason };
}
