/**
 * The officer statement log, read like the rest of the audit (signed
 * justification, itself a statement in this log; CONSULTATION entry): GET /v1/audit/statements lists signed statements (a
 * liaison officer their own agency's, oversight every agency's), optionally for
 * one subject; GET /v1/audit/statements/verify re-checks the whole chain and
 * every signature against the enrolled officer keys.
 */
import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { DomainError } from '@liaison/errors';
import { verifyStatementLog, type StatementLogRow } from '@liaison/ledger';
import { appendLeLog } from '@liaison/persistence';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';
import { onlyKnown, parseNoQuery, type RawQuery } from '../audit/audit-filters';
import { auditReaderOf, type AuditReader } from '../audit/audit-access';
import { OfficerStatementListDto, StatementLogReportDto } from '../audit/audit.dto';
import type { DirectoryCache } from '../directory-cache';
import { DATA_SOURCE, DIRECTORY_CACHE } from '../tokens';

interface StatementDbRow {
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
const MAX_ROWS = 500;

function toRow(r: StatementDbRow): StatementLogRow & { recordedAt: string } {
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
    recordedAt: r.recorded_at.toISOString(),
  };
}

/** The statement log's one filter: the subject (an exact match). */
function statementsSubject(query: RawQuery): string | undefined {
  onlyKnown(query, ['subject']);
  const subject = query.subject;
  if (subject !== undefined && (typeof subject !== 'string' || subject.length > 1000))
    throw new DomainError('audit.invalid-query', 'subject: one string', 'invalid-input', {
      field: 'subject',
    });
  return subject;
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles('liaison', 'oversight')
@AuditRead()
@Controller('v1/audit/statements')
export class StatementsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
  ) {}

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

  @Get()
  @AuditReadChecked(({ query }) => statementsSubject(query))
  @ApiOperation({ summary: 'Signed officer statements (policy drafts, decisions, audit reads)' })
  @ApiQuery({ name: 'subject', required: false, description: 'Only this subject (exact)' })
  @ApiOkResponse({ type: OfficerStatementListDto })
  async list(
    @Req() req: AuthenticatedRequest,
    @Query() query: Record<string, unknown>,
  ): Promise<OfficerStatementListDto> {
    const reader = auditReaderOf(req.auth, req.justification);
    const subject = statementsSubject(query);
    const params: unknown[] = [];
    const where: string[] = [];
    if (reader.mode === 'liaison') {
      params.push(reader.agencyId);
      where.push(`agency_id = $${params.length}`);
    }
    if (typeof subject === 'string') {
      params.push(subject);
      where.push(`subject = $${params.length}`);
    }
    const rows: StatementDbRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM officer_statement ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT ${MAX_ROWS}`,
      params,
    );
    await this.consulted(reader, 'audit:statements', {
      subject: subject ?? null,
      returned: rows.length,
    });
    return { statements: rows.map(toRow) };
  }

  @Get('verify')
  @AuditReadChecked(({ query }) => parseNoQuery(query))
  @ApiOperation({ summary: 'Re-check the statement chain and every officer signature' })
  @ApiOkResponse({ type: StatementLogReportDto })
  async verify(@Req() req: AuthenticatedRequest): Promise<StatementLogReportDto> {
    const reader = auditReaderOf(req.auth, req.justification);
    const rows: StatementDbRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM officer_statement ORDER BY seq`,
    );
    const dir = await this.directory.get();
    const report = verifyStatementLog(rows.map(toRow), dir.officers);
    await this.consulted(reader, 'audit:statements.verify', { ok: report.ok, rows: report.rows });
    return report;
  }
}
