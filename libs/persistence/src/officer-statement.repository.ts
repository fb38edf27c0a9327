/**
 * The officer statement log in PostgreSQL (officer_statement): one hash chain
 * of signed statements, appended under a transaction advisory lock so the
 * chain has one order, and read back newest first for the audit API or whole,
 * in order, to verify the chain (@liaison/ledger verifyStatementLog).
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { StatementLogRow } from '@liaison/ledger';

/** pg_advisory_xact_lock key of the statement log ("LSTM"). */
const STATEMENT_LOG_LOCK = 0x4c53544d;

/** A statement as the log reads it back. */
export interface StoredStatement extends StatementLogRow {
  readonly recordedAt: Date;
}

/** A statement to append: its place in the chain and its hashes already computed. */
export type NewStatement = Omit<StatementLogRow, 'recordedAt' | 'kid'> & {
  readonly kid: string | null;
};

/** Which statements to list: one agency's (none: every agency's), one subject (exact). */
export interface StatementFilter {
  readonly agencyId?: string;
  readonly subject?: string;
  readonly limit: number;
}

interface StatementSql {
  seq: string;
  agency_id: string;
  officer_id: string;
  kid: string;
  act: string;
  subject: string;
  jti: string;
  jws: string;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
}

const COLUMNS =
  'seq, agency_id, officer_id, kid, act, subject, jti, jws, prev_hash, hash, recorded_at';

function storedStatementOf(r: StatementSql): StoredStatement {
  return {
    seq: Number(r.seq),
    agencyId: r.agency_id,
    officerId: r.officer_id,
    kid: r.kid,
    act: r.act,
    subject: r.subject,
    jti: r.jti,
    jws: r.jws,
    prevHash: r.prev_hash,
    hash: r.hash,
    recordedAt: r.recorded_at,
  };
}

export class OfficerStatementRepository {
  /** `db` is the DataSource, or the EntityManager of the transaction that appends. */
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Takes the log's append lock until the transaction ends: appends run one after another. */
  async lockForAppend(): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock($1)`, [STATEMENT_LOG_LOCK]);
  }

  async isRecorded(agencyId: string, jti: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM officer_statement WHERE agency_id = $1 AND jti = $2`,
      [agencyId, jti],
    );
    return rows.length > 0;
  }

  /** The chain's head (its last seq and hash); undefined while the log is empty. */
  async head(): Promise<{ seq: number; hash: string } | undefined> {
    const rows: { seq: string; hash: string }[] = await this.db.query(
      `SELECT seq, hash FROM officer_statement ORDER BY seq DESC LIMIT 1`,
    );
    const row = rows[0];
    return row && { seq: Number(row.seq), hash: row.hash };
  }

  async append(s: NewStatement): Promise<void> {
    await this.db.query(
      `INSERT INTO officer_statement (seq, agency_id, officer_id, kid, act, subject, jti, jws, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [s.seq, s.agencyId, s.officerId, s.kid, s.act, s.subject, s.jti, s.jws, s.prevHash, s.hash],
    );
  }

  /** The statements the filter selects, newest first, at most `limit`. */
  async list(filter: StatementFilter): Promise<StoredStatement[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.agencyId !== undefined) {
      params.push(filter.agencyId);
      where.push(`agency_id = $${params.length}`);
    }
    if (filter.subject !== undefined) {
      params.push(filter.subject);
      where.push(`subject = $${params.length}`);
    }
    params.push(filter.limit);
    const rows: StatementSql[] = await this.db.query(
      `SELECT ${COLUMNS} FROM officer_statement ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(storedStatementOf);
  }

  /** The whole log, in chain order. */
  async all(): Promise<StoredStatement[]> {
    const rows: StatementSql[] = await this.db.query(
      `SELECT ${COLUMNS} FROM officer_statement ORDER BY seq`,
    );
    return rows.map(storedStatementOf);
  }
}
