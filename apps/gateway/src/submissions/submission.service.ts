/**
 * Accepts a publication: the originator's SD-JWT is verified here first (so bad
 * input gets a 4xx at once, naming the field), the idempotency key is honoured,
 * and the Submission is written to hub.submissions.v1 (key: case ref, else message
 * id, so a case stays in order). Custodial agencies may send plain JSON that the
 * hub signs with the key they entrusted to it; such records say so.
 */
import type { DataSource } from 'typeorm';
import {
  codecFor,
  type MessageKind,
  type RecipientStatus,
  type Submission,
  type SubmissionStatus,
} from '@liaison/contracts';
import { issueSdJwt, verifySdJwt } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type { TypedProducer } from '@liaison/kafka';
import {
  SubmissionEntity,
  recipientOutcomes,
  type HeldMessage,
  type RecipientOutcomeRow,
} from '@liaison/persistence';
import { analyseMessage, disclosablePathsOf, submissionClaimShape } from '@liaison/messages';
import { type HubKeyFiles } from '@liaison/local-files';
import type { AuthContext } from '../auth/auth-context';
import type { DirectoryCache } from '../directory-cache';

export interface AcceptedSubmission {
  readonly messageId: string;
  readonly status: string;
  readonly statusUrl: string;
  readonly replayed: boolean;
}

export const submissionCodec = codecFor('Submission');

export class SubmissionService {
  constructor(
    private readonly ds: DataSource,
    private readonly directory: DirectoryCache,
    private readonly producer: TypedProducer<Submission>,
    private readonly hubKeys: HubKeyFiles,
    private readonly limits: {
      maxTokenBytes: number;
      clockSkewSec: number;
      maxLifetimeSec: number;
    },
  ) {}

  /**
   * Puts a release of a held message on hub.submissions.v1: the originator's
   * token as first accepted, judged at its first decision's time, naming the
   * GRANTED consent request whose recipients the worker re-decides and
   * delivers to. Throws submission.kafka-unavailable when it cannot be queued.
   */
  async queueRelease(held: HeldMessage, requestId: string, correlationId: string): Promise<void> {
    if (held.kind !== 'ALERT' && held.kind !== 'CASE_NOTICE') {
      throw new Error(`held message ${held.messageId} has no message kind (${held.kind})`);
    }
    const submission: Submission = {
      messageId: held.messageId,
      kind: held.kind,
      originatorAgency: held.originatorAgency,
      sdJwt: held.sdJwt,
      custodial: held.custodial,
      receivedAt: held.decidedAt.toISOString(),
      idempotencyKey: null,
      caseRef: held.caseRef,
      correlationId,
      releaseOf: requestId,
    };
    try {
      await this.producer.send([{ key: held.caseRef ?? held.messageId, value: submission }]);
    } catch (error) {
      throw new DomainError(
        'submission.kafka-unavailable',
        'Kafka did not take the release of the held message (it stays due and is sent again)',
        'unavailable',
        { cause: error instanceof Error ? error.message : String(error) },
      );
    }
  }

  /** Signs a plain JSON message for an agency that delegated signing to the hub. */
  async signCustodial(auth: AuthContext, kind: MessageKind, body: unknown): Promise<string> {
    const dir = await this.directory.get();
    const agency = dir.byId.get(auth.agencyId);
    const key = this.hubKeys.custodialKey(auth.agencyId);
    if (!agency?.custodial || !key) {
      throw new DomainError(
        'submission.not-custodial',
        `agency ${auth.agencyId} has no custodial key at the hub: send application/sd+jwt signed with your own key`,
        'forbidden',
      );
    }
    const message = (body as { message?: unknown } | null)?.message ?? body;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw new DomainError(
        'submission.bad-body',
        'JSON body must be the message object (or { "message": {...} })',
      );
    }
    const m = message as Record<string, unknown>;
    const iat = Math.floor(Date.now() / 1000);
    return issueSdJwt({
      claims: {
        ...m,
        jti: m.messageId,
        iss: auth.agencyId,
        iat,
        exp: iat + 300,
        liaison_kind: kind,
      },
      disclosablePaths: disclosablePathsOf(kind),
      signer: { privateJwk: key.privateJwk, kid: key.kid, alg: key.alg },
    });
  }

  async accept(
    auth: AuthContext,
    kind: MessageKind,
    sdJwt: string,
    custodial: boolean,
    idempotencyKey: string | undefined,
    correlationId: string,
  ): Promise<AcceptedSubmission> {
    if (idempotencyKey !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(idempotencyKey)) {
      throw new DomainError(
        'submission.bad-idempotency-key',
        'Idempotency-Key must be 1-128 of [A-Za-z0-9._:-]',
      );
    }
    const dir = await this.directory.get();
    const verified = verifySdJwt(sdJwt, {
      directory: dir.keys,
      shape: submissionClaimShape(kind),
      now: Date.now,
      maxTokenBytes: this.limits.maxTokenBytes,
      clockSkewSec: this.limits.clockSkewSec,
      maxLifetimeSec: this.limits.maxLifetimeSec,
    });
    if (verified.issuer !== auth.agencyId) {
      throw new DomainError(
        'submission.wrong-originator',
        `the message is signed by ${verified.issuer}; agency ${auth.agencyId} can only publish its own messages`,
        'forbidden',
      );
    }
    const jurisdiction = dir.byId.get(auth.agencyId)?.jurisdiction ?? auth.jurisdiction;
    const claimedKind = verified.claims.liaison_kind;
    if (claimedKind !== undefined && claimedKind !== kind) {
      throw new DomainError(
        'submission.wrong-kind',
        `token says ${JSON.stringify(claimedKind)}, route expects ${kind}`,
      );
    }
    const analysed = analyseMessage(verified, kind, jurisdiction);
    const messageId = analysed.message.messageId;
    const statusUrl = `/v1/submissions/${messageId}`;
    const repo = this.ds.getRepository(SubmissionEntity);

    if (idempotencyKey !== undefined) {
      const earlier = await repo.findOneBy({ originatorAgency: auth.agencyId, idempotencyKey });
      if (earlier) {
        if (earlier.messageId !== messageId) {
          throw new DomainError(
            'submission.idempotency-conflict',
            `Idempotency-Key ${idempotencyKey} was used for message ${earlier.messageId}`,
            'conflict',
          );
        }
        if (earlier.status !== 'FAILED')
          return { messageId, status: earlier.status, statusUrl, replayed: true };
      }
    }
    const existing = await repo.findOneBy({ messageId });
    if (existing && existing.status !== 'FAILED') {
      throw new DomainError(
        'submission.duplicate-message-id',
        `message ${messageId} was already submitted`,
        'conflict',
      );
    }
    if (!existing) {
      await repo.insert({
        messageId,
        originatorAgency: auth.agencyId,
        kind,
        messageType: analysed.message.messageType,
        caseRef: analysed.message.caseRef,
        idempotencyKey: idempotencyKey ?? null,
        custodial,
        status: 'ACCEPTED',
      });
    }
    const submission: Submission = {
      messageId,
      kind,
      originatorAgency: auth.agencyId,
      sdJwt,
      custodial,
      receivedAt: new Date().toISOString(),
      idempotencyKey: idempotencyKey ?? null,
      caseRef: analysed.message.caseRef,
      correlationId,
      releaseOf: null,
    };
    try {
      await this.producer.send([{ key: analysed.message.caseRef ?? messageId, value: submission }]);
    } catch (error) {
      await repo.update({ messageId }, { status: 'FAILED' });
      throw new DomainError(
        'submission.kafka-unavailable',
        'the hub could not queue the message; retry with the same Idempotency-Key',
        'unavailable',
        {
          cause: error instanceof Error ? error.message : String(error),
        },
      );
    }
    if (existing) await repo.update({ messageId }, { status: 'ACCEPTED' });
    return { messageId, status: 'ACCEPTED', statusUrl, replayed: false };
  }

  async status(auth: AuthContext, messageId: string): Promise<SubmissionStatus> {
    if (!/^[0-9a-f-]{36}$/i.test(messageId))
      throw new DomainError('submission.bad-id', 'message id must be a UUID');
    const row = await this.ds.getRepository(SubmissionEntity).findOneBy({ messageId });
    if (!row || row.originatorAgency !== auth.agencyId) {
      // Same answer for "absent" and "someone else's": ids of others' messages do not leak.
      throw new DomainError(
        'submission.not-found',
        `no submission ${messageId} from ${auth.agencyId}`,
        'not-found',
      );
    }
    const rows = await recipientOutcomes(this.ds, messageId);
    const recipients = rows.map(recipientOutcomeOf);
    const outcomes: Record<string, number> = {};
    for (const r of recipients) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    return {
      messageId,
      kind: row.kind,
      messageType: row.messageType,
      caseRef: row.caseRef,
      custodial: row.custodial,
      receivedAt: row.receivedAt.toISOString(),
      status: recipients.length > 0 ? 'DECIDED' : row.status,
      outcomes,
      recipients,
    };
  }
}

function recipientOutcomeOf(r: RecipientOutcomeRow): RecipientStatus {
  const withheld = Array.isArray(r.withheld)
    ? (r.withheld as { path?: unknown; ruleId?: unknown }[]).map((w) => ({
        path: String(w.path),
        ruleId: String(w.ruleId),
      }))
    : [];
  return {
    agency: r.recipient_agency,
    jurisdiction: r.recipient_jurisdiction,
    outcome: r.decision,
    rules: Array.isArray(r.rules) ? (r.rules as unknown[]).map(String) : [],
    withheld,
    withheldCount: withheld.length,
    disclosedCount: Array.isArray(r.disclosed_paths) ? r.disclosed_paths.length : 0,
    policyVersion: r.policy_version,
    decidedAt: new Date(r.decided_at).toISOString(),
    deliveryEntryId: r.entry_id === null ? null : String(r.entry_id),
  };
}
