/**
 * The audit HTTP API (/v1/audit): ledger search as JSON and streamed CSV,
 * record detail with what was sent next to what was received, inclusion and
 * consistency proofs, checkpoints, the chain status, chart aggregates and the
 * refusals recorded in the law-enforcement log.
 * Authentication is the gateway's guard (req.auth); authorisation and the
 * CONSULTATION log entry happen here, for every read.
 */
import { Controller, Get, Param, Query, Req, Res, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import type { Response } from 'express';
import { csvHeader, csvLine } from '@liaison/ledger';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { auditReaderOf, type AuditReader } from './audit-access';
import {
  MAX_LIMIT,
  parseCheckpointsQuery,
  parseConsistencyQuery,
  parseAuditMetricsQuery,
  parseNoQuery,
  parseRecordFilter,
  parseSeq,
  type RawQuery,
  type RecordFilter,
} from './audit-filters';
import { AuditQueryService } from './audit-query.service';
import {
  AuditMetricsDto,
  CheckpointListDto,
  ConsistencyProofDto,
  InclusionProofDto,
  LedgerRecordDetailDto,
  LedgerRecordPageDto,
  LedgerVerificationDto,
  RefusalPageDto,
} from './audit.dto';
import { parseRefusalFilter } from './refusal-filters';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';

/** The CSV export: every record the filter matches, page after page of the largest size. */
function csvFilter(query: RawQuery): RecordFilter {
  return parseRecordFilter({ ...query, limit: String(MAX_LIMIT) });
}

function readerOf(req: AuthenticatedRequest): AuditReader {
  return auditReaderOf((req as Partial<AuthenticatedRequest>).auth, req.justification);
}

const ORDER = ApiQuery({
  name: 'order',
  required: false,
  enum: ['newest', 'ledger'],
  description: 'newest: newest first; ledger (default): oldest first, in ledger order',
});

/** The ledger search filters (audit-filters.ts), for the OpenAPI document. */
const RECORD_FILTERS = applyDecorators(
  ApiQuery({ name: 'caseRef', required: false, description: 'Case reference' }),
  ApiQuery({ name: 'direction', required: false, enum: ['sent', 'received', 'all'] }),
  ApiQuery({ name: 'counterpart', required: false, description: 'Counterpart agency id' }),
  ApiQuery({ name: 'counterpartJurisdiction', required: false, example: 'DE' }),
  ApiQuery({ name: 'decision', required: false, enum: ['FULL', 'REDACTED', 'DENIED'] }),
  ApiQuery({ name: 'rule', required: false, example: 'NL-EU-01' }),
  ApiQuery({ name: 'messageType', required: false, example: 'VICTIM_AT_RISK' }),
  ApiQuery({ name: 'from', required: false, description: 'ISO 8601 date or date-time (UTC)' }),
  ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date or date-time, inclusive' }),
  ORDER,
  ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' }),
  ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
  }),
);

const SEQ = ApiParam({
  name: 'seq',
  description: 'The ledger sequence number',
  schema: { type: 'integer', minimum: 1 },
});

const DATE_RANGE = applyDecorators(
  ApiQuery({ name: 'from', required: false, description: 'ISO 8601 date or date-time (UTC)' }),
  ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date or date-time, inclusive' }),
);

// The gateway guard admits liaison and oversight officers and verifies the signed
// justification of every read; auditReaderOf scopes them.
@Roles('liaison', 'oversight')
@AuditRead()
@ApiTags('audit')
@ApiBearerAuth()
@ApiResponse({
  status: 400,
  type: ErrorResponseDto,
  description: 'A query parameter refused, by name',
})
@ApiResponse({ status: 403, type: ErrorResponseDto, description: 'Role or justification refused' })
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get('records')
  @ApiOperation({ summary: "Search the share ledger (your agency's rows; oversight: all)" })
  @RECORD_FILTERS
  @ApiOkResponse({ type: LedgerRecordPageDto })
  @AuditReadChecked(({ query }) => parseRecordFilter(query))
  async records(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<LedgerRecordPageDto> {
    const reader = readerOf(req);
    const filter = parseRecordFilter(query);
    const page = await this.audit.records(reader, filter);
    await this.audit.logConsultation(reader, 'audit:records', {
      query,
      returned: page.records.length,
    });
    return page;
  }

  @Get('records.csv')
  @ApiOperation({
    summary:
      'The same search as CSV, every matching row (streamed), in ledger order unless order=newest',
  })
  @RECORD_FILTERS
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'One header line, then one line per record',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @AuditReadChecked(({ query }) => csvFilter(query))
  async recordsCsv(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
    @Res() res: Response,
  ): Promise<void> {
    const reader = readerOf(req);
    const filter = csvFilter(query);
    await this.audit.logConsultation(reader, 'audit:records.csv', { query });
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="liaison-audit.csv"');
    res.write(csvHeader());
    let cursor = filter.cursor;
    for (;;) {
      const page = await this.audit.recordPage(reader, { ...filter, cursor });
      if (page.records.length > 0) res.write(page.records.map(csvLine).join(''));
      if (page.nextCursor === null || res.destroyed) break;
      cursor = Number(page.nextCursor);
    }
    res.end();
  }

  @Get('refusals')
  @ApiOperation({
    summary: 'Refusals in the law-enforcement log (oversight: every agency; liaison: your own)',
  })
  @ApiQuery({ name: 'agency', required: false })
  @ApiQuery({ name: 'reason', required: false, description: 'A code, or a prefix ending in .' })
  @ApiQuery({ name: 'stage', required: false, enum: ['gateway', 'worker', 'case'] })
  @ApiQuery({ name: 'attribution', required: false, enum: ['verified', 'claimed', 'unknown'] })
  @DATE_RANGE
  @ORDER
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
  })
  @ApiOkResponse({ type: RefusalPageDto })
  @AuditReadChecked(({ query }) => parseRefusalFilter(query))
  async refusals(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<RefusalPageDto> {
    const reader = readerOf(req);
    const filter = parseRefusalFilter(query);
    const page = await this.audit.refusals(reader, filter);
    await this.audit.logConsultation(reader, 'audit:refusals', {
      query,
      returned: page.refusals.length,
    });
    return page;
  }

  @Get('records/:seq')
  @ApiOperation({ summary: 'One record, with what was sent beside what was received' })
  @SEQ
  @ApiOkResponse({ type: LedgerRecordDetailDto })
  @AuditReadChecked(({ params }) => parseSeq(String(params.seq ?? '')))
  async record(
    @Req() req: AuthenticatedRequest,
    @Param('seq') seqText: string,
  ): Promise<LedgerRecordDetailDto> {
    const reader = readerOf(req);
    const seq = parseSeq(seqText);
    const detail = await this.audit.detail(reader, seq);
    await this.audit.logConsultation(reader, `ledger:${seq}`, { endpoint: 'audit:record' });
    return detail;
  }

  @Get('proof/:seq')
  @ApiOperation({ summary: "A record's inclusion proof against the latest signed checkpoint" })
  @SEQ
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'Not covered by a checkpoint yet (audit.not-checkpointed): retry shortly',
  })
  @AuditReadChecked(({ params }) => parseSeq(String(params.seq ?? '')))
  async proof(
    @Req() req: AuthenticatedRequest,
    @Param('seq') seqText: string,
  ): Promise<InclusionProofDto> {
    const reader = readerOf(req);
    const seq = parseSeq(seqText);
    const proof = await this.audit.proof(reader, seq);
    await this.audit.logConsultation(reader, `ledger:${seq}`, { endpoint: 'audit:proof' });
    return proof;
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints, largest first' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 },
  })
  @ApiQuery({
    name: 'before',
    required: false,
    description: 'Only tree sizes below this: the nextCursor of the previous page',
    schema: { type: 'integer', minimum: 1 },
  })
  @ApiOkResponse({ type: CheckpointListDto })
  @AuditReadChecked(({ query }) => parseCheckpointsQuery(query))
  async checkpoints(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<CheckpointListDto> {
    const reader = readerOf(req);
    const { limit, before } = parseCheckpointsQuery(query);
    const page = await this.audit.checkpoints(limit, before);
    await this.audit.logConsultation(reader, 'audit:checkpoints', { query });
    return page;
  }

  @Get('consistency')
  @ApiOperation({ summary: 'A consistency proof between two checkpoints' })
  @ApiQuery({
    name: 'from',
    required: true,
    description: 'The older checkpoint size',
    schema: { type: 'integer', minimum: 1 },
  })
  @ApiQuery({
    name: 'to',
    required: true,
    description: 'The newer checkpoint size',
    schema: { type: 'integer', minimum: 1 },
  })
  @ApiOkResponse({ type: ConsistencyProofDto })
  @AuditReadChecked(({ query }) => parseConsistencyQuery(query))
  async consistency(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<ConsistencyProofDto> {
    const reader = readerOf(req);
    const { from, to } = parseConsistencyQuery(query);
    const proof = await this.audit.consistency(from, to);
    await this.audit.logConsultation(reader, 'audit:consistency', { from, to });
    return proof;
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recompute every leaf and check every signed checkpoint' })
  @ApiOkResponse({ type: LedgerVerificationDto })
  @AuditReadChecked(({ query }) => parseNoQuery(query))
  async verify(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<LedgerVerificationDto> {
    const reader = readerOf(req);
    parseNoQuery(query);
    const report = await this.audit.verify();
    await this.audit.logConsultation(reader, 'audit:verify', { ok: report.ok });
    return report;
  }

  @Get('metrics')
  @ApiOperation({
    summary:
      'Dashboard figures for a period: headline counts, shares per hour or day, denials by rule, case figures (small counts suppressed)',
  })
  @DATE_RANGE
  @ApiQuery({
    name: 'bucket',
    required: false,
    enum: ['hour', 'day'],
    description: 'What the shares series counts by; default: hour for up to 2 days, else day',
  })
  @ApiOkResponse({ type: AuditMetricsDto })
  @AuditReadChecked(({ query }) => parseAuditMetricsQuery(query))
  async metrics(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<AuditMetricsDto> {
    const reader = readerOf(req);
    const { from, to, bucket } = parseAuditMetricsQuery(query);
    const metrics = await this.audit.metrics(reader, from, to, bucket);
    await this.audit.logConsultation(reader, 'audit:metrics', { query });
    return metrics;
  }
}
