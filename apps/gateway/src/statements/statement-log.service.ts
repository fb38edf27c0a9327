/**
 * The officer statement log as the audit API reads it: the statements a reader
 * may see (a liaison officer its own agency's, oversight every agency's), and
 * the whole chain re-checked with every officer signature. Each read is logged
 * (CONSULTATION) with the reader's signed justification.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { verifyStatementLog, type StatementLogReport } from '@liaison/ledger';
import {
  OfficerStatementRepository,
  appendLeLog,
  type StoredStatement,
} from '@liaison/persistence';
import type { AuditReader } from '../audit/audit-access';
import type { DirectoryCache } from '../directory-cache';
import { DATA_SOURCE, DIRECTORY_CACHE } from '../tokens';

const MAX_ROWS = 500;

@Injectable()
export class StatementLog {
  private readonly statements: OfficerStatementRepository;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
  ) {
    this.statements = new OfficerStatementRepository(ds);
  }

  private async consulted(reader: AuditReader, subject: string, details: Record<string, unknown>) {
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

  /** The newest statements the reader may see (at most 500), of one subject if given. */
  async list(reader: AuditReader, subject: string | undefined): Promise<StoredStatement[]> {
    const rows = await this.statements.list({
      ...(reader.mode === 'liaison' ? { agencyId: reader.agencyId } : {}),
      ...(subject === undefined ? {} : { subject }),
      limit: MAX_ROWS,
    });
    await this.consulted(reader, 'audit:statements', {
      subject: subject ?? null,
      returned: rows.length,
    });
    return rows;
  }

  /** The whole chain re-checked against the officer directory. */
  async verify(reader: AuditReader): Promise<StatementLogReport> {
    const rows = await this.statements.all();
    const dir = await this.directory.get();
    const report = verifyStatementLog(rows, dir.officers);
    await this.consulted(reader, 'audit:statements.verify', { ok: report.ok, rows: report.rows });
    return report;
  }
}
