/**
 * Onward-sharing consent requests (onward_consent_request, raised by the audit
 * app when the worker held a re-published message): the original originator
 * lists and answers them, the requester lists them to learn the answer. An
 * answer is one transaction: the row locked, the answer decided by the pure
 * rule (@liaison/links decideConsent), written, and logged. A GRANTED request
 * is the consent the policy worker reads: its recipients receive the next
 * message that re-publishes the original.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DomainError } from '@liaison/errors';
import {
  ONWARD_WITHOUT_CONSENT,
  decideConsent,
  parseConsentAnswer,
  type ConsentAnswerKind,
  type ConsentStatus,
} from '@liaison/links';
import { appendLeLog } from '@liaison/persistence';
import type { AuthContext } from '../auth/auth-context';
import { DATA_SOURCE } from '../tokens';

export interface ConsentRequestView {
  readonly requestId: string;
  /** ORIGINAL: your agency is asked; REQUESTER: your message is held. */
  readonly role: 'ORIGINAL' | 'REQUESTER';
  readonly heldMessageId: string;
  readonly requesterAgency: string;
  readonly originalMessageId: string;
  readonly originalAgency: string;
  readonly recipients: readonly string[];
  readonly status: ConsentStatus;
  readonly requestedAt: string;
  readonly answeredAt: string | null;
  readonly answeredBy: string | null;
  readonly reason: string | null;
  readonly rule: typeof ONWARD_WITHOUT_CONSENT;
}

interface RequestSql {
  request_id: string;
  held_message_id: string;
  requester_agency: string;
  original_message_id: string;
  original_agency: string;
  recipients: string[];
  status: ConsentStatus;
  requested_at: Date;
  answered_at: Date | null;
  answered_by: string | null;
  reason: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = `request_id, held_message_id, requester_agency, original_message_id, original_agency,
                 recipients, status, requested_at, answered_at, answered_by, reason`;

function viewOf(row: RequestSql, agency: string): ConsentRequestView {
  return {
    requestId: row.request_id,
    role: row.original_agency === agency ? 'ORIGINAL' : 'REQUESTER',
    heldMessageId: row.held_message_id,
    requesterAgency: row.requester_agency,
    originalMessageId: row.original_message_id,
    originalAgency: row.original_agency,
    recipients: row.recipients,
    status: row.status,
    requestedAt: row.requested_at.toISOString(),
    answeredAt: row.answered_at === null ? null : row.answered_at.toISOString(),
    answeredBy: row.answered_by,
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
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** The agency's requests, asked of it and about its held messages, newest first. */
  async list(auth: AuthContext, status: ConsentStatus | undefined): Promise<ConsentRequestView[]> {
    const rows = await this.ds.query<RequestSql[]>(
      `SELECT ${COLUMNS} FROM onward_consent_request
        WHERE (original_agency = $1 OR requester_agency = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY requested_at DESC, request_id LIMIT 500`,
      [auth.agencyId, status ?? null],
    );
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
    return this.ds.transaction(async (tx) => {
      const [row] = await tx.query<RequestSql[]>(
        `SELECT ${COLUMNS} FROM onward_consent_request WHERE request_id = $1 FOR UPDATE`,
        [requestId],
      );
      const decided = decideConsent(
        row === undefined ? undefined : { originalAgency: row.original_agency, status: row.status },
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
      await tx.query(
        `UPDATE onward_consent_request
            SET status = $2, answered_at = now(), answered_by = $3, reason = $4
          WHERE request_id = $1`,
        [requestId, decided.status, officer, answer.reason],
      );
      const [updated] = await tx.query<RequestSql[]>(
        `SELECT ${COLUMNS} FROM onward_consent_request WHERE request_id = $1`,
        [requestId],
      );
      const done = updated as RequestSql;
      await appendLeLog(tx, [
        {
          actor: officer,
          action: 'DISCLOSURE',
          subject: done.held_message_id,
          justification:
            decided.status === 'GRANTED'
              ? `onward sharing consented for ${done.recipients.join(', ')}`
              : `onward sharing refused for ${done.recipients.join(', ')}: ${answer.reason ?? ''}`,
          details: {
            requestId,
            status: decided.status,
            requesterAgency: done.requester_agency,
            originalMessageId: done.original_message_id,
            recipients: done.recipients,
            reason: answer.reason,
          },
        },
      ]);
      return viewOf(done, auth.agencyId);
    });
  }
}
