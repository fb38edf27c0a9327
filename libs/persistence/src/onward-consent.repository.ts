/**
 * Onward consent requests (onward_consent_request), one repository for the
 * aggregate: the audit app records a request per held message and original
 * message; the gateway lists them for either party, locks one to record the
 * original originator's answer and reads what a release of the held message
 * needs (the originator's token as first accepted); the policy worker reads
 * the requests a slice's releases name. Each request is told as a hub-signed
 * OnwardConsentNotice: to the original originator when it is raised, to the
 * requester when it is answered. Metadata only: no selector, no content.
 */
import { codecFor, type OnwardConsentNotice } from '@liaison/contracts';
import { canonicalJson, signCompactJws, type JwsSigner } from '@liaison/crypto';
import type { ConsentStatus, ReleaseState } from '@liaison/links';
import { hubNoticeId, insertHubNotices, type HubNotice } from './hub-notice.repository';

const consentNoticeCodec = codecFor('OnwardConsentNotice');

type Db = { query(sql: string, params: unknown[]): Promise<unknown> };

/** A request as stored. */
export interface ConsentRequestRow {
  readonly requestId: string;
  readonly heldMessageId: string;
  readonly requesterAgency: string;
  readonly originalMessageId: string;
  readonly originalAgency: string;
  readonly recipients: readonly string[];
  readonly status: ConsentStatus;
  readonly requestedAt: Date;
  readonly answeredAt: Date | null;
  readonly answeredBy: string | null;
  readonly reason: string | null;
  /** A granted request's release: DUE until Kafka takes it, then QUEUED; NOTHING without content. */
  readonly release: ReleaseState | null;
}

/** A release still due, locked until the caller's transaction ends. */
export interface DueRelease {
  readonly requestId: string;
  readonly heldMessageId: string;
  readonly attempts: number;
}

/** A request about to be recorded (the audit app's plan). */
export interface NewConsentRequest {
  readonly requestId: string;
  readonly heldMessageId: string;
  readonly requesterAgency: string;
  readonly originalMessageId: string;
  readonly originalAgency: string;
  readonly recipients: readonly string[];
  readonly requestedAt: string;
}

/** What a release of a held message re-submits: the originator's token and its envelope facts. */
export interface HeldMessage {
  readonly messageId: string;
  readonly originatorAgency: string;
  readonly kind: string;
  readonly caseRef: string | null;
  readonly custodial: boolean;
  readonly sdJwt: string;
  /** When the held message was first decided (its token's time claims are judged then). */
  readonly decidedAt: Date;
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
  release: ReleaseState | null;
}

const COLUMNS = `request_id, held_message_id, requester_agency, original_message_id, original_agency,
                 recipients, status, requested_at, answered_at, answered_by, reason, release`;

function rowOf(r: RequestSql): ConsentRequestRow {
  return {
    requestId: r.request_id,
    heldMessageId: r.held_message_id,
    requesterAgency: r.requester_agency,
    originalMessageId: r.original_message_id,
    originalAgency: r.original_agency,
    recipients: r.recipients,
    status: r.status,
    requestedAt: r.requested_at,
    answeredAt: r.answered_at,
    answeredBy: r.answered_by,
    reason: r.reason,
    release: r.release,
  };
}

/** The requests asked of `agency` or about its held messages, newest first (at most 500). */
export async function consentRequestsOf(
  db: Db,
  agency: string,
  status: ConsentStatus | undefined,
): Promise<ConsentRequestRow[]> {
  const rows = (await db.query(
    `SELECT ${COLUMNS} FROM onward_consent_request
      WHERE (original_agency = $1 OR requester_agency = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY requested_at DESC, request_id LIMIT 500`,
    [agency, status ?? null],
  )) as RequestSql[];
  return rows.map(rowOf);
}

/** The request, locked until the caller's transaction ends; undefined when there is none. */
export async function lockConsentRequest(
  tx: Db,
  requestId: string,
): Promise<ConsentRequestRow | undefined> {
  const [row] = (await tx.query(
    `SELECT ${COLUMNS} FROM onward_consent_request WHERE request_id = $1 FOR UPDATE`,
    [requestId],
  )) as RequestSql[];
  return row === undefined ? undefined : rowOf(row);
}

/**
 * Records the original originator's answer on a locked request; returns the
 * request as now stored. A grant's release is DUE when the held content is
 * still kept (the caller sends it after the commit), NOTHING otherwise.
 */
export async function recordConsentAnswer(
  tx: Db,
  answer: {
    readonly requestId: string;
    readonly status: Exclude<ConsentStatus, 'PENDING'>;
    readonly answeredBy: string;
    readonly reason: string | null;
    readonly release: Exclude<ReleaseState, 'QUEUED'> | null;
  },
): Promise<ConsentRequestRow> {
  if ((answer.status === 'GRANTED') !== (answer.release !== null)) {
    throw new Error(`a ${answer.status} answer cannot have release ${String(answer.release)}`);
  }
  const [row] = (await tx.query(
    // Wrapped in a SELECT: an UPDATE's answer through TypeORM is [rows, count].
    `WITH answered AS (
       UPDATE onward_consent_request
          SET status = $2, answered_at = now(), answered_by = $3, reason = $4, release = $5
        WHERE request_id = $1 AND status = 'PENDING'
        RETURNING ${COLUMNS}
     )
     SELECT * FROM answered`,
    [answer.requestId, answer.status, answer.answeredBy, answer.reason, answer.release],
  )) as RequestSql[];
  if (row === undefined) throw new Error(`consent request ${answer.requestId} is not pending`);
  return rowOf(row);
}

interface DueReleaseSql {
  request_id: string;
  held_message_id: string;
  release_attempts: number;
}

function dueReleaseOf(r: DueReleaseSql): DueRelease {
  return {
    requestId: r.request_id,
    heldMessageId: r.held_message_id,
    attempts: r.release_attempts,
  };
}

/**
 * The request's release if it is still due, locked until the caller's
 * transaction ends; undefined when it is not due or another transaction is
 * sending it now (SKIP LOCKED: two senders never send the same release at once).
 */
export async function lockDueRelease(tx: Db, requestId: string): Promise<DueRelease | undefined> {
  const [row] = (await tx.query(
    `SELECT request_id, held_message_id, release_attempts FROM onward_consent_request
      WHERE request_id = $1 AND release = 'DUE' FOR UPDATE SKIP LOCKED`,
    [requestId],
  )) as DueReleaseSql[];
  return row === undefined ? undefined : dueReleaseOf(row);
}

/** Up to `limit` releases due since before `answeredBefore`, oldest grant first, locked (SKIP LOCKED). */
export async function lockDueReleases(
  tx: Db,
  answeredBefore: Date,
  limit: number,
): Promise<DueRelease[]> {
  const rows = (await tx.query(
    `SELECT request_id, held_message_id, release_attempts FROM onward_consent_request
      WHERE release = 'DUE' AND answered_at < $1
      ORDER BY answered_at, request_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [answeredBefore, limit],
  )) as DueReleaseSql[];
  return rows.map(dueReleaseOf);
}

/** How many releases are still due (for the gateway's gauge). */
export async function countDueReleases(db: Db): Promise<number> {
  const [row] = (await db.query(
    `SELECT count(*)::int AS due FROM onward_consent_request WHERE release = 'DUE'`,
    [],
  )) as { due: number }[];
  return row?.due ?? 0;
}

/**
 * What became of a locked due release: Kafka took it (QUEUED), its content was
 * gone (NOTHING), or the send failed (still DUE, the failure counted and kept).
 */
export async function recordReleaseOutcome(
  tx: Db,
  requestId: string,
  outcome: { readonly state: 'QUEUED' | 'NOTHING' } | { readonly failed: string },
): Promise<void> {
  if ('failed' in outcome) {
    await tx.query(
      `UPDATE onward_consent_request
          SET release_attempts = release_attempts + 1, release_error = $2
        WHERE request_id = $1 AND release = 'DUE'`,
      [requestId, outcome.failed.slice(0, 1000)],
    );
    return;
  }
  await tx.query(
    `UPDATE onward_consent_request
        SET release = $2, release_queued_at = CASE WHEN $2 = 'QUEUED' THEN now() END
      WHERE request_id = $1 AND release = 'DUE'`,
    [requestId, outcome.state],
  );
}

/** Records each request once (a redelivered decision asks nothing twice); returns those new. */
export async function insertConsentRequests(
  db: Db,
  requests: readonly NewConsentRequest[],
): Promise<string[]> {
  if (requests.length === 0) return [];
  const rows = (await db.query(
    `INSERT INTO onward_consent_request (request_id, held_message_id, requester_agency,
                                         original_message_id, original_agency, recipients, requested_at)
     SELECT r.request_id, r.held_message_id, r.requester_agency, r.original_message_id,
            r.original_agency, ARRAY(SELECT jsonb_array_elements_text(r.recipients)), r.requested_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::jsonb[],
                   $7::timestamptz[])
         AS r(request_id, held_message_id, requester_agency, original_message_id,
              original_agency, recipients, requested_at)
     ON CONFLICT DO NOTHING
     RETURNING request_id`,
    [
      requests.map((r) => r.requestId),
      requests.map((r) => r.heldMessageId),
      requests.map((r) => r.requesterAgency),
      requests.map((r) => r.originalMessageId),
      requests.map((r) => r.originalAgency),
      requests.map((r) => JSON.stringify(r.recipients)),
      requests.map((r) => r.requestedAt),
    ],
  )) as { request_id: string }[];
  return rows.map((r) => r.request_id);
}

/** The requests named by a slice's releases, by id (absent: no such request). */
export async function consentRequestsByIds(
  db: Db,
  requestIds: readonly string[],
): Promise<Map<string, ConsentRequestRow>> {
  if (requestIds.length === 0) return new Map();
  const rows = (await db.query(
    `SELECT ${COLUMNS} FROM onward_consent_request WHERE request_id = ANY($1::uuid[])`,
    [[...new Set(requestIds.map((id) => id.toLowerCase()))]],
  )) as RequestSql[];
  return new Map(rows.map((r) => [r.request_id, rowOf(r)]));
}

/**
 * The held message as a release re-submits it: the originator's token kept for
 * the audit (message_content) and the facts of its first decision's rows;
 * undefined once its content is purged.
 */
export async function heldMessageOf(db: Db, messageId: string): Promise<HeldMessage | undefined> {
  const [row] = (await db.query(
    `SELECT l.message_id, l.originator_agency, l.kind, l.case_ref, l.custodial, l.decided_at, m.sd_jwt
       FROM share_ledger l JOIN message_content m ON m.message_id = l.message_id
      WHERE l.message_id = $1 AND l.release_of IS NULL
      ORDER BY l.seq LIMIT 1`,
    [messageId],
  )) as {
    message_id: string;
    originator_agency: string;
    kind: string;
    case_ref: string | null;
    custodial: boolean;
    decided_at: Date;
    sd_jwt: string;
  }[];
  if (row === undefined) return undefined;
  return {
    messageId: row.message_id,
    originatorAgency: row.originator_agency,
    kind: row.kind,
    caseRef: row.case_ref,
    custodial: row.custodial,
    sdJwt: row.sd_jwt,
    decidedAt: row.decided_at,
  };
}

export type ConsentNoticeEvent = 'CONSENT_REQUESTED' | 'GRANTED' | 'REFUSED';

/** What a notice says of its request. */
export interface ConsentNoticeFacts {
  readonly requestId: string;
  readonly heldMessageId: string;
  readonly requesterAgency: string;
  readonly originalMessageId: string;
  readonly originalAgency: string;
  readonly recipients: readonly string[];
  readonly reason: string | null;
}

/**
 * The notice of `event` about a request, signed by the hub over its other
 * fields as canonical JSON: CONSENT_REQUESTED tells the original originator,
 * an answer tells the requester. Its id derives from the request and the
 * event, so it is raised once however often it is asked for.
 */
export function consentNoticeOf(
  request: ConsentNoticeFacts,
  event: ConsentNoticeEvent,
  raisedAt: string,
  signer: JwsSigner,
): HubNotice {
  const requestId = request.requestId.toLowerCase();
  const planned: Omit<OnwardConsentNotice, 'hubSignature'> = {
    noticeId: hubNoticeId('onward-consent-notice', [requestId, event]),
    recipientAgency:
      event === 'CONSENT_REQUESTED' ? request.originalAgency : request.requesterAgency,
    event,
    requestId,
    heldMessageId: request.heldMessageId.toLowerCase(),
    requesterAgency: request.requesterAgency,
    originalMessageId: request.originalMessageId.toLowerCase(),
    originalAgency: request.originalAgency,
    recipients: [...request.recipients],
    reason: event === 'CONSENT_REQUESTED' ? null : request.reason,
    raisedAt,
  };
  const notice: OnwardConsentNotice = {
    ...planned,
    hubSignature: signCompactJws(JSON.parse(canonicalJson(planned)) as unknown, signer, {
      typ: 'liaison-onward-consent-notice+jws',
    }),
  };
  return {
    recipientAgency: planned.recipientAgency,
    noticeId: planned.noticeId,
    record: consentNoticeCodec.encode(notice),
  };
}

/** The notices into their agencies' feeds (inside the caller's transaction); returns how many were new. */
export function raiseConsentNotices(db: Db, notices: readonly HubNotice[]): Promise<number> {
  return insertHubNotices(db, 'ONWARD_CONSENT_NOTICE', notices);
}
