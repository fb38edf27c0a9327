/**
 * Onward-sharing consent requests (onward_consent_request, raised by the audit
 * app when the worker held a re-published message): the original originator
 * lists and answers them, the requester lists them to learn the answer. An
 * answer is one transaction: the row locked, the answer decided by the pure
 * rule (@liaison/links decideConsent), written, logged, and told to the
 * requester as a hub-signed OnwardConsentNotice in its feed. A GRANTED request
 * is the consent the policy worker reads: once committed, the held message is
 * released (a release submission naming the request, which the worker
 * re-decides and delivers to the consented recipients only; recorded DUE with
 * the grant and sent by the ReleaseSender until Kafka takes it), and its
 * recipients receive the next message that re-publishes the original.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DomainError } from '@liaison/errors';
import {
  ONWARD_WITHOUT_CONSENT,
  decideConsent,
  parseConsentAnswer,
  type ConsentAnswer,
  type ConsentAnswerKind,
  type ConsentRequestView,
  type ConsentStatus,
} from '@liaison/links';
import { currentCorrelationId } from '@liaison/observability';
import type { HubKeyFiles } from '@liaison/local-files';
import {
  appendLeLog,
  consentNoticeOf,
  consentRequestsOf,
  heldMessageOf,
  lockConsentRequest,
  raiseConsentNotices,
  recordConsentAnswer,
  type ConsentRequestRow,
} from '@liaison/persistence';
import type { AuthContext, SignedJustification } from '../auth/auth-context';
import { DATA_SOURCE, HUB_KEYS, RELEASE_SENDER } from '../tokens';
import type { ReleaseSender } from './release-sender';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function viewOf(row: ConsentRequestRow, agency: string): ConsentRequestView {
  return {
    requestId: row.requestId,
    role: row.originalAgency === agency ? 'ORIGINAL' : 'REQUESTER',
    heldMessageId: row.heldMessageId,
    requesterAgency: row.requesterAgency,
    originalMessageId: row.originalMessageId,
    originalAgency: row.originalAgency,
    recipients: row.recipients,
    status: row.status,
    requestedAt: row.requestedAt.toISOString(),
    answeredAt: row.answeredAt === null ? null : row.answeredAt.toISOString(),
    answeredBy: row.answeredBy,
    reason: row.reason,
    release: row.release,
    rule: ONWARD_WITHOUT_CONSENT,
  };
}

function refusal(
  code: string,
  reason: string,
  category: 'invalid-input' | 'not-found' | 'conflict',
) {
  return new DomainError(code, reason, category);
}

/**
 * The answer in a request, or its refusal (400 links.invalid-consent-answer):
 * the guard runs it before the officer's statement is spent, the service again.
 */
export function consentAnswerOf(
  requestId: unknown,
  kind: ConsentAnswerKind,
  body: unknown,
): ConsentAnswer {
  if (typeof requestId !== 'string' || !UUID.test(requestId)) {
    throw refusal('links.invalid-consent-answer', 'requestId must be a UUID', 'invalid-input');
  }
  const answer = parseConsentAnswer(kind, body);
  if ('problem' in answer) {
    throw refusal('links.invalid-consent-answer', answer.problem, 'invalid-input');
  }
  return answer;
}

@Injectable()
export class OnwardConsentService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(RELEASE_SENDER) private readonly releases: ReleaseSender,
    @Inject(HUB_KEYS) private readonly hubKeys: HubKeyFiles,
  ) {}

  /** The agency's requests, asked of it and about its held messages, newest first. */
  async list(auth: AuthContext, status: ConsentStatus | undefined): Promise<ConsentRequestView[]> {
    const rows = await consentRequestsOf(this.ds, auth.agencyId, status);
    return rows.map((r) => viewOf(r, auth.agencyId));
  }

  /**
   * Answers the request as `auth`'s officer, whose signed justification the
   * guard verified and recorded; it goes into the answer's log entry.
   */
  async answer(
    auth: AuthContext,
    justification: SignedJustification,
    requestId: string,
    kind: ConsentAnswerKind,
    body: unknown,
  ): Promise<ConsentRequestView> {
    const answer = consentAnswerOf(requestId, kind, body);
    const officer = `${auth.agencyId}/${auth.officerId ?? ''}`;
    const answered = await this.ds.transaction(async (tx) => {
      const row = await lockConsentRequest(tx, requestId);
      const decided = decideConsent(
        row === undefined ? undefined : { originalAgency: row.originalAgency, status: row.status },
        auth.agencyId,
        answer,
      );
      if (!decided.ok) {
        throw refusal(
          decided.code,
          decided.reason,
          decided.code === 'links.consent-answered' ? 'conflict' : 'not-found',
        );
      }
      const held =
        decided.status === 'GRANTED' && row !== undefined
          ? await heldMessageOf(tx, row.heldMessageId)
          : undefined;
      const done = await recordConsentAnswer(tx, {
        requestId,
        status: decided.status,
        answeredBy: officer,
        reason: answer.reason,
        release: decided.status !== 'GRANTED' ? null : held === undefined ? 'NOTHING' : 'DUE',
      });
      await raiseConsentNotices(tx, [
        consentNoticeOf(
          done,
          decided.status,
          (done.answeredAt ?? new Date()).toISOString(),
          this.hubKeys.hubSigner(),
        ),
      ]);
      await appendLeLog(tx, [
        {
          actor: officer,
          action: 'DISCLOSURE',
          subject: done.heldMessageId,
          justification: justification.text,
          details: {
            answer:
              decided.status === 'GRANTED'
                ? `onward sharing consented for ${done.recipients.join(', ')}` +
                  (held === undefined
                    ? ' (the held content is no longer kept: nothing to release)'
                    : '')
                : `onward sharing refused for ${done.recipients.join(', ')}: ${answer.reason ?? ''}`,
            requestId,
            status: decided.status,
            requesterAgency: done.requesterAgency,
            originalMessageId: done.originalMessageId,
            recipients: done.recipients,
            reason: answer.reason,
            release: held !== undefined,
            statement: { seq: justification.seq, hash: justification.hash },
          },
        },
      ]);
      return done;
    });
    // After the commit, so the worker reads the consent in force. Should Kafka
    // not take it now, the release stays DUE and the sender's sweep sends it.
    if (answered.release !== 'DUE') return viewOf(answered, auth.agencyId);
    const release = await this.releases.releaseNow(
      answered.requestId,
      currentCorrelationId() ?? randomUUID(),
    );
    return viewOf({ ...answered, release }, auth.agencyId);
  }
}
