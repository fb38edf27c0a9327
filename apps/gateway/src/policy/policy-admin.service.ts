/**
 * Policies as data with four eyes: an author's new version is a draft until a
 * second enrolled officer of the author's agency and jurisdiction, enrolled with
 * the approver role, approves it. Draft, approval and rejection (with its
 * reason) are each the officer's signed statement, kept in the officer
 * statement log in the same transaction; both acts also go to the
 * law-enforcement log; a decision runs through withWorldChange (an approval
 * that leaves a world that does not compile is refused with the reason,
 * nothing stored); approval is announced on
 * hub.policies.v1 so workers hot-reload. Dry-run answers "who would get what".
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Kafka } from '@liaison/kafka';
import { codecFor, messageClaimShape, type MessageKind } from '@liaison/contracts';
import {
  KeyDirectory,
  canonicalDigest,
  verifySdJwtStructure,
  generateAgencyKeys,
  issueSdJwt,
  verifySdJwt,
} from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import { Topic } from '@liaison/kafka';
import { appendLeLog, PolicyVersionEntity, recentShares } from '@liaison/persistence';
import {
  approveChange,
  compilePolicies,
  diffDryRun,
  diffPolicyDocuments,
  draftPolicyChange,
  dryRun,
  parsePolicyDocument,
  policyDocumentVersion,
  rejectChange,
  replayDraft,
  type CompiledPolicySet,
  type DryRunDiff,
  type DryRunReport,
  type PolicyApprover,
  type PolicyChange,
  type PolicyDocument,
  type ReplayMessage,
  type RuleChange,
  type WhatIfReplay,
} from '@liaison/policy';
import {
  ALL_KNOWN_PATHS,
  analyseMessage,
  disclosablePathsOf,
  submissionClaimShape,
  type AnalysedMessage,
} from '@liaison/messages';
import { withWorldChange } from '@liaison/runtime';
import type { AuthContext } from '../auth/auth-context';
import type { DirectoryCache, GatewayDirectory } from '../directory-cache';
import {
  checkStatement,
  recordStatement,
  type StatementReceipt,
} from '../statements/statement-recorder';

const policyCodec = codecFor('PolicyEvent');
/** How many of a jurisdiction's latest messages a what-if replays, by default and at most. */
export const WHAT_IF_DEFAULT_LAST = 200;
export const WHAT_IF_MAX_LAST = 1000;
const MAX_REPLAY_TOKEN_BYTES = 1 << 20;

/** A draft's effect: its rule changes and its replay over the jurisdiction's latest messages. */
export interface WhatIfAnswer extends WhatIfReplay {
  readonly jurisdiction: string;
  /** The change replayed, when a stored draft was named. */
  readonly changeId: string | null;
  /** How many latest messages were asked for. */
  readonly last: number;
  /** Stored messages that no longer verify (e.g. a key since removed) and were left out. */
  readonly unreadable: number;
  readonly rules: readonly RuleChange[];
}
const DRAFT_SIGNER = generateAgencyKeys('EdDSA');

function actor(auth: AuthContext): string {
  return `${auth.agencyId}/${auth.officerId ?? '-'}`;
}

/** The acting officer with their current enrolment, for the four-eyes rule. */
function officerOf(auth: AuthContext, dir: GatewayDirectory): PolicyApprover {
  const officerId = auth.officerId ?? '-';
  const enrolment = dir.officers.enrolmentOf(auth.agencyId, officerId);
  return {
    agencyId: auth.agencyId,
    officerId,
    kid: auth.officerKid ?? '-',
    agencyJurisdiction: auth.jurisdiction,
    roles: [...auth.roles],
    enrolment: enrolment && { ...enrolment, status: enrolment.status },
  };
}

/** One version of a jurisdiction's policy as GET /v1/policies lists it. */
export interface PolicyHistoryEntry {
  readonly id: string;
  readonly jurisdiction: string;
  readonly version: string;
  readonly status: 'draft' | 'approved' | 'rejected' | 'superseded';
  /** `agency/officer` of each person; reviewers are of the author's agency (four-eyes rule). */
  readonly author: string;
  readonly approver: string | null;
  readonly rejectedBy: string | null;
  readonly rejectionReason: string | null;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly document: Record<string, unknown>;
}

function policyHistoryEntryOf(r: PolicyVersionEntity): PolicyHistoryEntry {
  const rejected = r.status === 'rejected';
  const approverOfficer = rejected ? null : r.approverOfficer;
  return {
    id: r.id,
    jurisdiction: r.jurisdiction,
    version: r.version,
    status: r.status,
    author: `${r.authorAgency}/${r.authorOfficer}`,
    approver: approverOfficer === null ? null : `${r.authorAgency}/${approverOfficer}`,
    rejectedBy: rejected ? `${r.authorAgency}/${r.deciderOfficer ?? '-'}` : null,
    rejectionReason: rejected ? r.decisionReason : null,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    document: r.document,
  };
}

function checkedChangeId(id: unknown): string {
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
    throw new DomainError('policy.bad-id', 'policy change id must be a UUID');
  return id;
}

function toChange(row: PolicyVersionEntity): PolicyChange {
  return {
    id: row.id,
    jurisdiction: row.jurisdiction,
    document: row.document as unknown as PolicyDocument,
    authorOfficer: row.authorOfficer,
    authorAgency: row.authorAgency,
    authorKid: row.authorKid,
    status: row.status === 'draft' ? 'draft' : row.status === 'rejected' ? 'rejected' : 'approved',
    approvals: [],
  };
}

/** The world's policies with `draft` in place of its jurisdiction's document, compiled. */
function withDraft(dir: GatewayDirectory, draft: PolicyDocument): CompiledPolicySet {
  return compilePolicies(
    [...dir.policies.filter((p) => p.jurisdiction !== draft.jurisdiction), draft],
    dir.policyDirectory,
    ALL_KNOWN_PATHS,
  );
}

export class PolicyAdmin {
  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    private readonly directory: DirectoryCache,
  ) {}

  /** Analyses an unsigned draft message exactly as the worker would a signed one. */
  async analyseDraft(
    kind: MessageKind,
    message: unknown,
    originatorAgency: string,
  ): Promise<AnalysedMessage> {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw new DomainError('dry-run.bad-message', 'message must be a JSON object');
    }
    const m = message as Record<string, unknown>;
    if (m.originatorAgency !== originatorAgency) {
      throw new DomainError(
        'dry-run.wrong-originator',
        `dry-run a message of your own agency (${originatorAgency})`,
        'forbidden',
      );
    }
    const iat = Math.floor(Date.now() / 1000);
    const sdJwt = await issueSdJwt({
      claims: { ...m, jti: m.messageId, iss: originatorAgency, iat, exp: iat + 300 },
      disclosablePaths: disclosablePathsOf(kind),
      signer: { privateJwk: DRAFT_SIGNER.privateJwk, kid: DRAFT_SIGNER.kid, alg: 'EdDSA' },
    });
    const keys = new KeyDirectory([
      {
        agencyId: originatorAgency,
        kid: DRAFT_SIGNER.kid,
        use: 'sig',
        alg: 'EdDSA',
        publicJwk: DRAFT_SIGNER.publicJwk,
        notBefore: 0,
        status: 'active',
      },
    ]);
    const verified = verifySdJwt(sdJwt, {
      directory: keys,
      shape: messageClaimShape(kind),
      now: Date.now,
      maxTokenBytes: 1 << 20,
      clockSkewSec: 60,
    });
    const dir = await this.directory.get();
    return analyseMessage(
      verified,
      kind,
      dir.byId.get(originatorAgency)?.jurisdiction ?? 'UNKNOWN',
    );
  }

  async dryRun(
    auth: AuthContext,
    body: { kind?: unknown; message?: unknown; draftPolicy?: unknown },
  ): Promise<DryRunReport | (DryRunDiff & { report: DryRunReport })> {
    const kind = body?.kind;
    if (kind !== 'ALERT' && kind !== 'CASE_NOTICE')
      throw new DomainError('dry-run.bad-kind', 'kind must be ALERT or CASE_NOTICE');
    const analysed = await this.analyseDraft(kind, body.message, auth.agencyId);
    const dir = await this.directory.get();
    const report = dryRun(dir.compiled, analysed.facts, analysed.catalogue);
    if (body.draftPolicy === undefined) return report;
    const draftSet = withDraft(dir, parsePolicyDocument(body.draftPolicy));
    return { ...diffDryRun(dir.compiled, draftSet, analysed.facts, analysed.catalogue), report };
  }

  /**
   * What a draft (a document, or a stored change by id) would change: its rules
   * against the approved document, and its decisions against the current ones over
   * the latest `last` messages of the officer's jurisdiction whose content the hub
   * still keeps. Only the officer's own jurisdiction; other agencies' message ids
   * are not named. The replay is a consultation, logged.
   */
  async whatIf(
    auth: AuthContext,
    body: { draftPolicy?: unknown; changeId?: unknown; last?: unknown },
  ): Promise<WhatIfAnswer> {
    const last = body?.last ?? WHAT_IF_DEFAULT_LAST;
    if (
      typeof last !== 'number' ||
      !Number.isSafeInteger(last) ||
      last < 1 ||
      last > WHAT_IF_MAX_LAST
    ) {
      throw new DomainError(
        'what-if.bad-last',
        `last must be a whole number from 1 to ${WHAT_IF_MAX_LAST}`,
        'invalid-input',
        { field: 'last' },
      );
    }
    const hasDraft = body?.draftPolicy !== undefined;
    const hasChange = body?.changeId !== undefined;
    if (hasDraft === hasChange) {
      throw new DomainError(
        'what-if.bad-subject',
        'give either draftPolicy (a policy document) or changeId (a stored draft), not both',
        'invalid-input',
      );
    }
    let changeId: string | null = null;
    let draft: PolicyDocument;
    if (hasChange) {
      changeId = checkedChangeId(body.changeId);
      const row = await this.ds.getRepository(PolicyVersionEntity).findOneBy({ id: changeId });
      if (!row || row.jurisdiction !== auth.jurisdiction)
        throw new DomainError('policy.unknown-change', `no policy change ${changeId}`, 'not-found');
      draft = parsePolicyDocument(row.document);
    } else {
      draft = parsePolicyDocument(body.draftPolicy);
    }
    if (draft.jurisdiction !== auth.jurisdiction) {
      throw new DomainError(
        'policy.wrong-jurisdiction',
        `an officer of ${auth.jurisdiction} cannot replay ${draft.jurisdiction} policy`,
        'forbidden',
      );
    }
    const dir = await this.directory.get();
    const draftSet = withDraft(dir, draft);
    const agencies = dir.agencies
      .filter((a) => a.jurisdiction === draft.jurisdiction)
      .map((a) => a.id);
    const shares = await recentShares(this.ds, agencies, last);
    const messages: ReplayMessage[] = [];
    const own = new Set<string>();
    let unreadable = 0;
    for (const share of shares) {
      try {
        // Signature and shape as accepted; time claims were judged at acceptance.
        const verified = verifySdJwtStructure(share.sdJwt, {
          directory: dir.keys,
          shape: submissionClaimShape(share.kind),
          maxTokenBytes: MAX_REPLAY_TOKEN_BYTES,
        });
        const analysed = analyseMessage(verified, share.kind, draft.jurisdiction);
        messages.push({
          messageId: share.messageId,
          facts: analysed.facts,
          catalogue: analysed.catalogue,
        });
        if (share.originatorAgency === auth.agencyId) own.add(share.messageId);
      } catch {
        unreadable += 1;
      }
    }
    const replay = replayDraft(dir.compiled, draftSet, draft.jurisdiction, messages);
    const current = dir.policies.find((p) => p.jurisdiction === draft.jurisdiction);
    await appendLeLog(this.ds, [
      {
        actor: actor(auth),
        action: 'CONSULTATION',
        subject: `policy:${draft.jurisdiction}${changeId === null ? '' : `:${changeId}`}`,
        justification: 'policy what-if replay',
        details: {
          draftVersion: replay.draftVersion,
          considered: replay.considered,
          changed: replay.changed,
        },
      },
    ]);
    return {
      jurisdiction: draft.jurisdiction,
      changeId,
      last,
      unreadable,
      rules: diffPolicyDocuments(current, draft),
      ...replay,
      messages: replay.messages.map((m) => (own.has(m.messageId) ? m : { ...m, messageId: '' })),
    };
  }

  /** The jurisdiction's versions, newest first: drafts, approvals and rejections with who and why. */
  async current(auth: AuthContext): Promise<PolicyHistoryEntry[]> {
    const rows = await this.ds.getRepository(PolicyVersionEntity).find({
      where: { jurisdiction: auth.jurisdiction },
      order: { createdAt: 'DESC' },
      take: 50,
    });
    return rows.map((r) => policyHistoryEntryOf(r));
  }

  async draft(
    auth: AuthContext,
    body: unknown,
  ): Promise<{ id: string; version: string; status: 'draft'; statement: StatementReceipt }> {
    const b = (body ?? {}) as { document?: unknown; statement?: unknown };
    const raw = b.document ?? body;
    const document = parsePolicyDocument(raw);
    const dir = await this.directory.get();
    const id = randomUUID();
    // An enrolled author of this jurisdiction, with the author role in the enrolment.
    const change = draftPolicyChange({ id, document, author: officerOf(auth, dir) });
    // Validate against the rest of the world as it is now: unknown paths, agencies, contradictions.
    compilePolicies(
      [...dir.policies.filter((p) => p.jurisdiction !== document.jurisdiction), document],
      dir.policyDirectory,
      ALL_KNOWN_PATHS,
    );
    const version = policyDocumentVersion(document);
    // The author's own signed statement over exactly this document (as submitted).
    const expected = {
      act: 'policy.draft' as const,
      subject: `policy:${document.jurisdiction}`,
      claims: { documentDigest: canonicalDigest(raw) },
    };
    checkStatement(b.statement, auth, dir, expected);
    const statement = await this.ds.transaction(async (tx) => {
      const receipt = await recordStatement(tx, b.statement, auth, dir, expected);
      await tx.getRepository(PolicyVersionEntity).insert({
        id,
        jurisdiction: document.jurisdiction,
        version,
        document: document as never,
        status: 'draft',
        authorOfficer: change.authorOfficer,
        authorAgency: change.authorAgency,
        authorKid: change.authorKid,
        approverOfficer: null,
        decidedAt: null,
        draftStatement: String(receipt.seq),
      });
      await appendLeLog(tx, [
        {
          actor: actor(auth),
          action: 'ALTERATION',
          subject: `policy:${document.jurisdiction}:${id}`,
          justification: 'policy draft',
          details: { version, statement: receipt },
        },
      ]);
      return receipt;
    });
    return { id, version, status: 'draft', statement };
  }

  async decide(
    auth: AuthContext,
    id: string,
    decision: 'approve' | 'reject',
    body: { statement?: unknown; reason?: unknown },
  ): Promise<{ id: string; status: string; version: string; statement: StatementReceipt }> {
    const reason = typeof body?.reason === 'string' ? body.reason : undefined;
    checkedChangeId(id);
    const dir = await this.directory.get();
    const reviewer = officerOf(auth, dir);
    const { result } = await withWorldChange(this.ds, async (tx) => {
      const repo = tx.getRepository(PolicyVersionEntity);
      const row = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row)
        throw new DomainError('policy.unknown-change', `no policy change ${id}`, 'not-found');
      const decided =
        decision === 'approve'
          ? approveChange(toChange(row), reviewer)
          : rejectChange(toChange(row), reviewer, reason ?? '');
      // The reviewer's own signed statement: this act, on this change, at this version.
      const statement = await recordStatement(tx, body?.statement, auth, dir, {
        act: decision === 'approve' ? 'policy.approve' : 'policy.reject',
        subject: `policy-change:${id}`,
        claims:
          decision === 'approve'
            ? { version: row.version }
            : { version: row.version, reason: reason ?? null },
      });
      if (decided.status === 'approved') {
        await repo.update(
          { jurisdiction: row.jurisdiction, status: 'approved' },
          { status: 'superseded' },
        );
      }
      await repo.update(
        { id },
        {
          status: decided.status,
          // Only an approval names an approver; a rejection keeps its rejecter and reason apart.
          approverOfficer: decided.status === 'approved' ? reviewer.officerId : null,
          deciderOfficer: reviewer.officerId,
          deciderKid: reviewer.kid,
          decisionReason: decided.status === 'rejected' ? (reason ?? null) : null,
          decidedAt: new Date(),
          decisionStatement: String(statement.seq),
        },
      );
      await appendLeLog(tx, [
        {
          actor: actor(auth),
          action: 'ALTERATION',
          subject: `policy:${row.jurisdiction}:${id}`,
          justification: `policy ${decided.status}`,
          details: { version: row.version, reason: reason ?? null, statement },
        },
      ]);
      return { row, status: decided.status, statement };
    });
    if (result.status === 'approved') {
      await this.directory.refresh().catch(() => undefined);
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await producer.send({
          topic: Topic.policies,
          messages: [
            {
              key: result.row.jurisdiction,
              value: policyCodec.encode({
                jurisdiction: result.row.jurisdiction,
                version: result.row.version,
                document: JSON.stringify(result.row.document),
                approvedBy: `${auth.agencyId}/${auth.officerId ?? '-'}`,
                approvedAt: new Date().toISOString(),
              }),
            },
          ],
        });
      } finally {
        await producer.disconnect();
      }
    }
    return { id, status: result.status, version: result.row.version, statement: result.statement };
  }
}
