/**
 * The officer statement log, read like the rest of the audit (signed
 * justification, itself a statement in this log; CONSULTATION entry): GET /v1/audit/statements lists signed statements (a
 * liaison officer their own agency's, oversight every agency's), optionally for
 * one subject; GET /v1/audit/statements/verify re-checks the whole chain and
 * every signature against the enrolled officer keys (StatementLog does both).
 */
import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@liaison/errors';
import type { StatementLogRow } from '@liaison/ledger';
import type { StoredStatement } from '@liaison/persistence';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';
import { onlyKnown, parseNoQuery, type RawQuery } from '../audit/audit-filters';
import { auditReaderOf } from '../audit/audit-access';
import { OfficerStatementListDto, StatementLogReportDto } from '../audit/audit.dto';
import { StatementLog } from './statement-log.service';

function toRow(r: StoredStatement): StatementLogRow & { recordedAt: string } {
  return { ...r, recordedAt: r.recordedAt.toISOString() };
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
  constructor(private readonly log: StatementLog) {}

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
    const rows = await this.log.list(reader, statementsSubject(query));
    return { statements: rows.map(toRow) };
  }

  @Get('verify')
  @AuditReadChecked(({ query }) => parseNoQuery(query))
  @ApiOperation({ summary: 'Re-check the statement chain and every officer signature' })
  @ApiOkResponse({ type: StatementLogReportDto })
  async verify(@Req() req: AuthenticatedRequest): Promise<StatementLogReportDto> {
    return this.log.verify(auditReaderOf(req.auth, req.justification));
  }
}
