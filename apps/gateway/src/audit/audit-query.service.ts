/**
 * The audit store's read side: ledger search (JSON pages and CSV pages),
 * detail with side-by-side content, proofs against checkpoints, the server-side
 * chain check and the charts' aggregates. All SQL is parameterised; the
 * reader's scope is applied here, once, for every query.
 */
import {
  calendarFor,
  caseFiguresPerJurisdiction,
  caseMetrics,
  type CaseState,
} from '@liaison/cases';
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
  SHARE_LEDGER_COLUMNS,
  presentationFromToken,
  readSdJwtClaims,
  type LedgerRowView,
  type LedgerRowColumns,
} from '@liaison/ledger';
import {
  appendLeLog,
  refusalRecordOf,
  verifyStoredLedger,
  type RefusalRecord,
} from '@liaison/persistence';
import { DATA_SOURCE } from '../tokens';
import type { AuditReader } from './audit-access';
import type { RecordFilter } from './audit-filters';
import type { RefusalFilter } from './refusal-filters';
import type {
  AuditMetricsDto,
  CheckpointDto,
  ConsistencyProofDto,
  InclusionProofDto,
  LedgerRecordDetailDto,
  LedgerVerificationDto,
} from './audit.dto';

export const AUDIT_HUB_KEY = Symbol('AUDIT_HUB_KEY');

interface CheckpointRow {
  tree_size: string;
  root_hash: string;
  jws: string;
  issued_at: Date;
}

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

/** SQL conditions limiting rows to what the reader may see, and the filter. */
class Conditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

function scopeOf(
  reader: AuditReader,
  direction: RecordFilter['direction'],
  c: Conditions,
): string | null {
  if (reader.mode === 'oversight') return null;
  const me = c.param(reader.agencyId);
  const sent = `originator_agency = ${me}`;
  const received = `(recipient_agency = ${me} AND decision <> 'DENIED')`;
  c.add(
    direction === 'sent' ? sent : direction === 'received' ? received : `(${sent} OR ${received})`,
  );
  return me;
}

function filterConditions(reader: AuditReader, filter: RecordFilter): Conditions {
  const c = new Conditions();
  const me = scopeOf(reader, filter.direction, c);
  if (filter.counterpart) {
    const p = c.param(filter.counterpart);
    if (me === null) c.add(`(originator_agency = ${p} OR recipient_agency = ${p})`);
    else
      c.add(
        `(CASE WHEN originator_agency = ${me} THEN recipient_agency ELSE originator_agency END) = ${p}`,
      );
  }
  if (filter.counterpartJurisdiction) {
    const p = c.param(filter.counterpartJurisdiction);
    if (me === null) c.add(`(originator_jurisdiction = ${p} OR recipient_jurisdiction = ${p})`);
    else
      c.add(
        `(CASE WHEN originator_agency = ${me} THEN recipient_jurisdiction ELSE originator_jurisdiction END) = ${p}`,
      );
  }
  if (filter.caseRef) c.add(`case_ref = ${c.param(filter.caseRef)}`);
  if (filter.decision) c.add(`decision = ${c.param(filter.decision)}`);
  if (filter.messageType) c.add(`message_type = ${c.param(filter.messageType)}`);
  if (filter.rule) c.add(`rules @> jsonb_build_array(${c.param(filter.rule)}::text)`);
  if (filter.from) c.add(`decided_at >= ${c.param(filter.from.toISOString())}`);
  if (filter.to) c.add(`decided_at <= ${c.param(filter.to.toISOString())}`);
  return c;
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

  async records(
    reader: AuditReader,
    filter: RecordFilter,
  ): Promise<{ records: LedgerRowView[]; nextCursor: string | null }> {
    const c = filterConditions(reader, filter);
    c.add(`seq > ${c.param(filter.cursor)}`);
    const rows = await this.ds.query<LedgerRowColumns[]>(
      `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger ${c.where()} ORDER BY seq LIMIT ${c.param(filter.limit + 1)}`,
      c.params,
    );
    const page = rows.slice(0, filter.limit).map((r) => toLedgerRowView(r, reader));
    const last = page[page.length - 1];
    return {
      records: page,
      nextCursor: rows.length > filter.limit && last ? String(last.seq) : null,
    };
  }

  /**
   * Refusals in the law-enforcement log (gateway 4xx and dead letters), oldest
   * first: oversight sees every agency's, a liaison officer those naming their
   * own agency (verified or claimed). Metadata only: content is never logged.
   */
  async refusals(
    reader: AuditReader,
    filter: RefusalFilter,
  ): Promise<{ refusals: RefusalRecord[]; nextCursor: string | null }> {
    const c = new Conditions();
    c.add(`action = 'REFUSAL'`);
    c.add(`id > ${c.param(filter.cursor)}`);
    if (reader.mode !== 'oversight') c.add(`details->>'agency' = ${c.param(reader.agencyId)}`);
    if (filter.agency) c.add(`details->>'agency' = ${c.param(filter.agency)}`);
    if (filter.stage) c.add(`details->>'stage' = ${c.param(filter.stage)}`);
    if (filter.attribution) c.add(`details->>'attribution' = ${c.param(filter.attribution)}`);
    if (filter.reason) {
      const p = c.param(filter.reason);
      c.add(
        filter.reason.endsWith('.')
          ? `(starts_with(details->>'reasonCode', ${p}) OR EXISTS (
               SELECT 1 FROM jsonb_object_keys(CASE jsonb_typeof(details->'reasonCodes')
                 WHEN 'object' THEN details->'reasonCodes' ELSE '{}'::jsonb END) AS k
               WHERE starts_with(k, ${p})))`
          : `(details->>'reasonCode' = ${p} OR coalesce(details->'reasonCodes' ? ${p}, false))`,
      );
    }
    if (filter.from) c.add(`at >= ${c.param(filter.from.toISOString())}`);
    if (filter.to) c.add(`at <= ${c.param(filter.to.toISOString())}`);
    const rows = await this.ds.query<{ id: string; at: Date; details: Record<string, unknown> }[]>(
      `SELECT id, at, details FROM le_log ${c.where()} ORDER BY id LIMIT ${c.param(filter.limit + 1)}`,
      c.params,
    );
    const page = rows.slice(0, filter.limit).map(refusalRecordOf);
    const last = page[page.length - 1];
    return {
      refusals: page,
      nextCursor: rows.length > filter.limit && last ? String(last.id) : null,
    };
  }

  async row(reader: AuditReader, seq: number): Promise<LedgerRowColumns> {
    const [row] = await this.ds.query<LedgerRowColumns[]>(
      `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger WHERE seq = $1`,
      [seq],
    );
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
    const [content] = await this.ds.query<{ sd_jwt: string }[]>(
      'SELECT sd_jwt FROM message_content WHERE message_id = $1',
      [messageId],
    );
    return content ? viewOf(content.sd_jwt) : purged();
  }

  /**
   * The recipient's presentation: rebuilt from the originator's token and the
   * delivery's disclosure indices (rows written before the by-reference
   * migration keep their text), and shown only when it hashes to the digest
   * the ledger row recorded for what was delivered.
   */
  private async deliveryContent(row: LedgerRowColumns): Promise<ContentView> {
    const [content] = await this.ds.query<
      { presentation: string | null; disclosure_indices: number[] | null; sd_jwt: string | null }[]
    >(
      `SELECT d.presentation, d.disclosure_indices, m.sd_jwt
       FROM delivery_content d LEFT JOIN message_content m ON m.message_id = d.message_id
       WHERE d.message_id = $1 AND d.recipient_agency = $2`,
      [row.message_id, row.recipient_agency],
    );
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

  async checkpoints(limit: number, before: number | undefined): Promise<CheckpointDto[]> {
    const rows = await this.ds.query<CheckpointRow[]>(
      `SELECT tree_size, root_hash, jws, issued_at FROM ledger_checkpoint
       WHERE ($1::bigint IS NULL OR tree_size < $1) ORDER BY tree_size DESC LIMIT $2`,
      [before ?? null, limit],
    );
    return rows.map(checkpointJson);
  }

  private async checkpointAt(size: number | 'latest'): Promise<CheckpointRow | undefined> {
    const [row] =
      size === 'latest'
        ? await this.ds.query<CheckpointRow[]>(
            'SELECT tree_size, root_hash, jws, issued_at FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1',
          )
        : await this.ds.query<CheckpointRow[]>(
            'SELECT tree_size, root_hash, jws, issued_at FROM ledger_checkpoint WHERE tree_size = $1',
            [size],
          );
    return row;
  }

  private async leafHashes(count: number): Promise<Buffer[]> {
    const rows = await this.ds.query<{ leaf_hash: string }[]>(
      'SELECT leaf_hash FROM share_ledger WHERE seq <= $1 ORDER BY seq',
      [count],
    );
    return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
  }

  async proof(reader: AuditReader, seq: number): Promise<InclusionProofDto> {
    const row = await this.row(reader, seq);
    const checkpoint = await this.checkpointAt('latest');
    const treeSize = checkpoint ? Number(checkpoint.tree_size) : 0;
    if (!checkpoint || seq > treeSize) {
      throw new DomainError(
        'audit.not-checkpointed',
        `record ${seq} is not covered by a checkpoint yet; try again shortly`,
        'conflict',
      );
    }
    const leaves = await this.leafHashes(treeSize);
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
    const [older, newer] = await Promise.all([this.checkpointAt(from), this.checkpointAt(to)]);
    if (!older || !newer) {
      throw new DomainError(
        'audit.invalid-query',
        `${older ? 'to' : 'from'}: no checkpoint of that size`,
        'invalid-input',
        { field: older ? 'to' : 'from' },
      );
    }
    const leaves = await this.leafHashes(to);
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

  async metrics(reader: AuditReader, from: Date, to: Date): Promise<AuditMetricsDto> {
    const range = [from.toISOString(), to.toISOString()];
    const own = reader.mode === 'liaison';
    const shares = own
      ? await this.ds.query<{ day: string; jurisdiction: string; count: string }[]>(
          `SELECT to_char(date_trunc('day', decided_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                  CASE WHEN originator_agency = $3 THEN recipient_jurisdiction ELSE originator_jurisdiction END AS jurisdiction,
                  count(*) AS count
             FROM share_ledger
            WHERE decided_at >= $1 AND decided_at <= $2 AND decision <> 'DENIED'
              AND (originator_agency = $3 OR recipient_agency = $3)
            GROUP BY 1, 2 ORDER BY 1, 2`,
          [...range, reader.agencyId],
        )
      : await this.ds.query<{ day: string; jurisdiction: string; count: string }[]>(
          `SELECT to_char(date_trunc('day', decided_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                  recipient_jurisdiction AS jurisdiction, count(*) AS count
             FROM share_ledger
            WHERE decided_at >= $1 AND decided_at <= $2 AND decision <> 'DENIED'
            GROUP BY 1, 2 ORDER BY 1, 2`,
          range,
        );
    const denials = await this.ds.query<{ rule: string; count: string }[]>(
      `SELECT rule, count(*) AS count
         FROM share_ledger, jsonb_array_elements_text(rules) AS rule
        WHERE decided_at >= $1 AND decided_at <= $2 AND decision = 'DENIED'
          AND ($3::text IS NULL OR originator_agency = $3)
        GROUP BY rule ORDER BY count(*) DESC, rule LIMIT 100`,
      [...range, own ? reader.agencyId : null],
    );
    // Cases opened in the period, from their folded states: each case once, the
    // reader's own figures in full, others' with complementary suppression; the
    // per-jurisdiction block is rolled up from those figures, so it shows
    // nothing they hide.
    const states = await this.ds.query<{ state: CaseState }[]>(
      `SELECT state FROM case_state
        WHERE (state->>'openedAt')::bigint >= $1 AND (state->>'openedAt')::bigint <= $2`,
      [from.getTime(), to.getTime()],
    );
    const caseFigures = caseMetrics({
      cases: states.map((r) => r.state),
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
