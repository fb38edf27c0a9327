/**
 * The audit store's read side: ledger search (JSON pages and CSV pages),
 * detail with side-by-side content, proofs against checkpoints, the server-side
 * chain check and the charts' aggregates. The SQL is the persistence
 * repositories' (share-ledger-reads, refusal-log); this service turns the
 * reader into a scope, decides what they may see and maps rows to answers.
 */
import { calendarFor, caseFiguresPerJurisdiction, caseMetrics } from '@liaison/cases';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  consistencyProof,
  inclusionProof,
  presentationDigestOf,
  type PublicJwk,
} from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import {
  presentationFromToken,
  readSdJwtClaims,
  type LedgerRowView,
  type LedgerRowColumns,
} from '@liaison/ledger';
import {
  CaseRepository,
  LedgerCheckpointRepository,
  appendLeLog,
  denialsPerRule,
  leafHashesUpTo,
  ledgerRowAt,
  ledgerRowCount,
  ledgerRowPage,
  refusalCount,
  refusalPage,
  periodFigures,
  sharesPerJurisdictionOverTime,
  storedDelivery,
  storedMessageToken,
  verifyStoredLedger,
  type CheckpointRow,
  type LedgerSearch,
  type RefusalRecord,
  type TimeBucket,
} from '@liaison/persistence';
import { DATA_SOURCE } from '../tokens';
import type { AuditReader } from './audit-access';
import type { RecordFilter } from './audit-filters';
import type { RefusalFilter } from './refusal-filters';
import type {
  AuditMetricsDto,
  CheckpointDto,
  CheckpointListDto,
  ConsistencyProofDto,
  InclusionProofDto,
  LedgerRecordDetailDto,
  LedgerVerificationDto,
} from './audit.dto';

export const AUDIT_HUB_KEY = Symbol('AUDIT_HUB_KEY');

const iso = (v: Date | string | undefined): string | null =>
  v === undefined ? null : new Date(v).toISOString();

export function toLedgerRowView(row: LedgerRowColumns, reader: AuditReader): LedgerRowView {
  const direction =
    reader.mode === 'oversight'
      ? null
      : row.originator_agency === reader.agencyId
        ? 'sent'
        : 'received';
  return {
    seq: Number(row.seq),
    leafHash: row.leaf_hash,
    messageId: row.message_id,
    kind: row.kind,
    messageType: row.message_type,
    caseRef: row.case_ref,
    direction,
    originator: { agency: row.originator_agency, jurisdiction: row.originator_jurisdiction },
    recipient: { agency: row.recipient_agency, jurisdiction: row.recipient_jurisdiction },
    decision: row.decision,
    rules: row.rules,
    disclosedPaths: row.disclosed_paths,
    withheld: row.withheld,
    policyVersion: row.policy_version,
    presentationDigest: row.presentation_digest,
    custodial: row.custodial,
    decidedAt: iso(row.decided_at) ?? '',
    recordedAt: iso(row.recorded_at),
    releaseOf: row.release_of ?? null,
  };
}

/** The reader's scope and the filter, as the ledger search takes them. */
function searchOf(reader: AuditReader, filter: RecordFilter): LedgerSearch {
  return {
    scope: {
      agency: reader.mode === 'oversight' ? null : reader.agencyId,
      direction: filter.direction,
    },
    caseRef: filter.caseRef,
    counterpart: filter.counterpart,
    counterpartJurisdiction: filter.counterpartJurisdiction,
    decision: filter.decision,
    rule: filter.rule,
    messageType: filter.messageType,
    from: filter.from,
    to: filter.to,
  };
}

export interface ContentView {
  readonly available: boolean;
  readonly reason?: string;
  readonly claims?: Record<string, unknown>;
  readonly hiddenFields?: number;
}

const SMALL_COUNT = 5;

/** Counts of 1 to 4 aggregated across agencies are shown as "<5". */
export function suppressed(count: number): number | '<5' {
  return count > 0 && count < SMALL_COUNT ? '<5' : count;
}

@Injectable()
export class AuditQueryService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(AUDIT_HUB_KEY) private readonly hubKey: PublicJwk,
  ) {}

  async logConsultation(
    reader: AuditReader,
    subject: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await appendLeLog(this.ds, [
      {
        actor: reader.actor,
        action: 'CONSULTATION',
        subject,
        justification: reader.justification,
        details: { role: reader.mode, ...details, statement: reader.statement },
      },
    ]);
  }

  /** One page of the search, with how many records it matches in all. */
  async records(
    reader: AuditReader,
    filter: RecordFilter,
  ): Promise<{ records: LedgerRowView[]; nextCursor: string | null; total: number }> {
    const [page, total] = await Promise.all([
      this.recordPage(reader, filter),
      ledgerRowCount(this.ds, searchOf(reader, filter)),
    ]);
    return { ...page, total };
  }

  /** One page of the search, uncounted (the CSV export's pages). */
  async recordPage(
    reader: AuditReader,
    filter: RecordFilter,
  ): Promise<{ records: LedgerRowView[]; nextCursor: string | null }> {
    const { rows, more } = await ledgerRowPage(this.ds, {
      ...searchOf(reader, filter),
      order: filter.order,
      cursor: filter.cursor,
      limit: filter.limit,
    });
    const page = rows.map((r) => toLedgerRowView(r, reader));
    const last = page[page.length - 1];
    return { records: page, nextCursor: more && last ? String(last.seq) : null };
  }

  /**
   * Refusals in the law-enforcement log (gateway 4xx and dead letters), in
   * the filter's order, with how many match in all: oversight sees every
   * agency's, a liaison officer those naming their own agency (verified or
   * claimed). Metadata only: content is never logged.
   */
  async refusals(
    reader: AuditReader,
    filter: RefusalFilter,
  ): Promise<{ refusals: RefusalRecord[]; nextCursor: string | null; total: number }> {
    const search = { ...filter, scopeAgency: reader.mode === 'oversight' ? null : reader.agencyId };
    const [{ rows, more }, total] = await Promise.all([
      refusalPage(this.ds, search),
      refusalCount(this.ds, search),
    ]);
    const last = rows[rows.length - 1];
    return { refusals: [...rows], nextCursor: more && last ? String(last.id) : null, total };
  }

  async row(reader: AuditReader, seq: number): Promise<LedgerRowColumns> {
    const row = await ledgerRowAt(this.ds, seq);
    const visible =
      row !== undefined &&
      (reader.mode === 'oversight' ||
        row.originator_agency === reader.agencyId ||
        (row.recipient_agency === reader.agencyId && row.decision !== 'DENIED'));
    // Another agency's row answers like a missing one: its existence is not disclosed.
    if (!row || !visible) throw new DomainError('audit.not-found', `no record ${seq}`, 'not-found');
    return row;
  }

  async detail(reader: AuditReader, seq: number): Promise<LedgerRecordDetailDto> {
    const row = await this.row(reader, seq);
    const record = toLedgerRowView(row, reader);
    if (reader.mode === 'oversight') {
      const none: ContentView = { available: false, reason: 'oversight sees metadata only' };
      return { record, sent: none, received: none };
    }
    const isOriginator = row.originator_agency === reader.agencyId;
    const sent: ContentView = isOriginator
      ? await this.messageContent(row.message_id)
      : {
          available: false,
          reason: "the originator's full content is only shown to the originator's officers",
        };
    const received: ContentView =
      row.decision === 'DENIED'
        ? { available: false, reason: 'denied: nothing was delivered' }
        : await this.deliveryContent(row);
    return { record, sent, received, withheld: record.withheld };
  }

  private async messageContent(messageId: string): Promise<ContentView> {
    const token = await storedMessageToken(this.ds, messageId);
    return token !== undefined ? viewOf(token) : purged();
  }

  /**
   * The recipient's presentation: rebuilt from the originator's token and the
   * delivery's disclosure indices (rows written before the by-reference
   * migration keep their text), and shown only when it hashes to the digest
   * the ledger row recorded for what was delivered.
   */
  private async deliveryContent(row: LedgerRowColumns): Promise<ContentView> {
    const content = await storedDelivery(this.ds, row.message_id, row.recipient_agency);
    if (!content) return purged();
    let presentation = content.presentation;
    if (presentation === null) {
      if (content.sd_jwt === null || content.disclosure_indices === null) return purged();
      try {
        presentation = presentationFromToken(content.sd_jwt, content.disclosure_indices);
      } catch {
        return { available: false, reason: 'stored content could not be read' };
      }
    }
    if (
      row.presentation_digest !== null &&
      presentationDigestOf(presentation) !== row.presentation_digest
    ) {
      return { available: false, reason: 'stored content does not match the digest in the ledger' };
    }
    return viewOf(presentation);
  }

  /** Signed checkpoints, largest first, below `before`; nextCursor is the next page's `before`. */
  async checkpoints(limit: number, before: number | undefined): Promise<CheckpointListDto> {
    const [{ rows, more }, total] = await Promise.all([
      new LedgerCheckpointRepository(this.ds).page(limit, before),
      new LedgerCheckpointRepository(this.ds).count(),
    ]);
    const checkpoints = rows.map(checkpointJson);
    const last = checkpoints[checkpoints.length - 1];
    return { checkpoints, nextCursor: more && last ? String(last.treeSize) : null, total };
  }

  async proof(reader: AuditReader, seq: number): Promise<InclusionProofDto> {
    const row = await this.row(reader, seq);
    const checkpoint = await new LedgerCheckpointRepository(this.ds).at('latest');
    const treeSize = checkpoint ? Number(checkpoint.tree_size) : 0;
    if (!checkpoint || seq > treeSize) {
      throw new DomainError(
        'audit.not-checkpointed',
        `record ${seq} is not covered by a checkpoint yet; try again shortly`,
        'conflict',
      );
    }
    const leaves = await leafHashesUpTo(this.ds, treeSize);
    if (leaves.length !== treeSize) {
      throw new DomainError(
        'audit.ledger-inconsistent',
        `the ledger holds ${leaves.length} of the ${treeSize} rows the checkpoint covers`,
        'conflict',
      );
    }
    return {
      seq,
      leafIndex: seq - 1,
      leafHash: row.leaf_hash,
      treeSize,
      rootHash: checkpoint.root_hash,
      checkpoint: checkpointJson(checkpoint),
      proof: inclusionProof(leaves, seq - 1).map((h) => h.toString('hex')),
    };
  }

  async consistency(from: number, to: number): Promise<ConsistencyProofDto> {
    const [older, newer] = await Promise.all([
      new LedgerCheckpointRepository(this.ds).at(from),
      new LedgerCheckpointRepository(this.ds).at(to),
    ]);
    if (!older || !newer) {
      throw new DomainError(
        'audit.invalid-query',
        `${older ? 'to' : 'from'}: no checkpoint of that size`,
        'invalid-input',
        { field: older ? 'to' : 'from' },
      );
    }
    const leaves = await leafHashesUpTo(this.ds, to);
    if (leaves.length !== to) {
      throw new DomainError(
        'audit.ledger-inconsistent',
        `the ledger holds ${leaves.length} of the ${to} rows the checkpoint covers`,
        'conflict',
      );
    }
    return {
      from: checkpointJson(older),
      to: checkpointJson(newer),
      proof: consistencyProof(leaves, from).map((h) => h.toString('hex')),
    };
  }

  /** Recomputes every leaf from its row and checks every signed checkpoint. */
  verify(pageSize = 20_000): Promise<LedgerVerificationDto> {
    return verifyStoredLedger(this.ds, this.hubKey, pageSize);
  }

  async metrics(
    reader: AuditReader,
    from: Date,
    to: Date,
    bucket: TimeBucket = 'day',
  ): Promise<AuditMetricsDto> {
    const own = reader.mode === 'liaison';
    const period = { from, to, agency: own ? reader.agencyId : null };
    const shares = await sharesPerJurisdictionOverTime(this.ds, period, bucket);
    const denials = await denialsPerRule(this.ds, period);
    const figures = await periodFigures(this.ds, period);
    // Cases opened in the period, from their folded states: each case once, the
    // reader's own figures in full, others' with complementary suppression; the
    // per-jurisdiction block is rolled up from those figures, so it shows
    // nothing they hide.
    const caseFigures = caseMetrics({
      cases: await new CaseRepository(this.ds).statesOpenedBetween(from, to),
      viewer: own ? reader.agencyId : null,
      now: Date.now(),
      calendarOf: calendarFor,
    });
    // A liaison reader's shares and denials are all its own agency's: in full.
    const count = (v: string): number | '<5' => (own ? Number(v) : suppressed(Number(v)));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      scope: own ? { agency: reader.agencyId } : { agency: 'all' },
      smallCountThreshold: SMALL_COUNT,
      bucket,
      summary: {
        messages: count(figures.messages),
        deliveries: count(figures.deliveries),
        denials: count(figures.denials),
        refusals: count(figures.refusals),
        openCases: count(figures.open_cases),
        linkNotices: count(figures.link_notices),
      },
      sharesPerCounterpartJurisdictionPerDay: shares.map((r) => ({
        day: r.day,
        jurisdiction: r.jurisdiction,
        count: count(r.count),
      })),
      denialsByRule: denials.map((r) => ({ rule: r.rule, count: count(r.count) })),
      casesPerJurisdiction: caseFiguresPerJurisdiction(caseFigures.perAgency),
      caseFigures,
    };
  }
}

function viewOf(token: string): ContentView {
  try {
    const view = readSdJwtClaims(token);
    return { available: true, claims: view.claims, hiddenFields: view.hiddenSlots };
  } catch {
    return { available: false, reason: 'stored content could not be read' };
  }
}

function purged(): ContentView {
  return { available: false, reason: 'erased: the retention period ended' };
}

function checkpointJson(row: CheckpointRow): CheckpointDto {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    jws: row.jws,
    issuedAt: new Date(row.issued_at).toISOString(),
  };
}
