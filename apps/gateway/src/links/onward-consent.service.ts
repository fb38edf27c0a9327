/**
 * Onward-sharing consent requests (onward_consent_request, raised by the audit
 * app when the worker held a re-published message): the original originator
 * lists and answers them, the requester lists them to learn the answer. An
 * answer is one transaction: the row locked, the answer decided by the pure
 * rule (@liaison/links decideConsent), written, logged, and told to the
 * requester as a hub-signed OnwardConsentNotice in its feed. A GRANTED request
 * is the consent the policy worker reads: once committed, the held message is
 * released (a release submission naming the request, which the worker
 * re-decides and delivers to the consented recipients only), and its
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
import type { AuthContext } from '../auth/auth-context';
import type { SubmissionService } from '../submissions/submission.service';
import { DATA_SOURCE, HUB_KEYS, SUBMISSION_SERVICE } from '../tokens';

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

@Injectable()
export class OnwardConsentService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(SUBMISSION_SERVICE) private readonly submissions: SubmissionService,
    @Inject(HUB_KEYS) private readonly hubKeys: HubKeyFiles,
  ) {}

  /** The agency's requests, asked of it and about its held messages, newest first. */
  async list(auth: AuthContext, status: ConsentStatus | undefined): Promise<ConsentRequestView[]> {
    const rows = await consentRequestsOf(this.ds, auth.agencyId, status);
    return rows.map((r) => viewOf(r, auth.agencyId));
  }

  async answer(
    auth: AuthContext,
    requestId: string,
    kind: ConsentAnswerKind,
    body: unknown,
  ): Promise<ConsentRequestView> {
    if (!UUID.test(requestId)) {
      throw refusal('links.invalid-consent-answer', 'requestId must be a UUID', 'invalid-input');
    }
    const answer = parseConsentAnswer(kind, body);
    if ('problem' in answer) {
      throw refusal('links.invalid-consent-answer', answer.problem, 'invalid-input');
    }
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
      const done = await recordConsentAnswer(tx, {
        requestId,
        status: decided.status,
        answeredBy: officer,
        reason: answer.reason,
      });
      await raiseConsentNotices(tx, [
        consentNoticeOf(
          done,
          decided.status,
          (done.answeredAt ?? new Date()).toISOString(),
          this.hubKeys.hubSigner(),
        ),
      ]);
      const held =
        decided.status === 'GRANTED' ? await heldMessageOf(tx, done.heldMessageId) : undefined;
      await appendLeLog(tx, [
        {
          actor: officer,
          action: 'DISCLOSURE',
          subject: done.heldMessageId,
          justification:
            decided.status === 'GRANTED'
              ? `onward sharing consented for ${done.recipients.join(', ')}` +
                (held === undefined
                  ? ' (the held content is no longer kept: nothing to release)'
                  : '')
              : `onward sharing refused for ${done.recipients.join(', ')}: ${answer.reason ?? ''}`,
          details: {
            requestId,
            status: decided.status,
            requesterAgency: done.requesterAgency,
            originalMessageId: done.originalMessageId,
            recipients: done.recipients,
            reason: answer.reason,
            release: held !== undefined,
          },
        },
      ]);
      return { done, held };
    });
    // After the commit, so the worker reads the consent in force; a second
    // release of the same request is refused by the worker's replay check.
    if (answered.held !== undefined) {
      await this.submissions.queueRelease(
        answered.held,
        answered.done.requestId,
        currentCorrelationId() ?? randomUUID(),
      );
    }
    return viewOf(answered.done, auth.agencyId);
  }
}
