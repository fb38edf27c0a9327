/**
 * The audit HTTP API (/v1/audit): ledger search as JSON and streamed CSV,
 * record detail with what was sent next to what was received, inclusion and
 * consistency proofs, checkpoints, the chain status, chart aggregates and the
 * refusals recorded in the law-enforcement log.
 * Authentication is the gateway's guard (req.auth); authorisation and the
 * CONSULTATION log entry happen here, for every read.
 */
import { Controller, Get, Param, Query, Req, Res, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import type { Response } from 'express';
import { csvHeader, csvLine } from '@liaison/ledger';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { auditReaderOf, type AuditReader } from './audit-access';
import {
  MAX_LIMIT,
  parseCheckpointsQuery,
  parseConsistencyQuery,
  parseMetricsQuery,
  parseNoQuery,
  parseRecordFilter,
  parseSeq,
  type RawQuery,
  type RecordFilter,
} from './audit-filters';
import { AuditQueryService } from './audit-query.service';
import { parseRefusalFilter } from './refusal-filters';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';

/** The CSV export: every record the filter matches, page after page of the largest size. */
function csvFilter(query: RawQuery): RecordFilter {
  return parseRecordFilter({ ...query, limit: String(MAX_LIMIT) });
}

function readerOf(req: AuthenticatedRequest): AuditReader {
  return auditReaderOf((req as Partial<AuthenticatedRequest>).auth, req.justification);
}

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
  ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' }),
  ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_LIMIT}` }),
);

// The gateway guard admits liaison and oversight officers and verifies the signed
// justification of every read; auditReaderOf scopes them.
@Roles('liaison', 'oversight')
@AuditRead()
@ApiTags('audit')
@ApiBearerAuth()
@ApiHeader({
  name: 'X-Justification',
  required: true,
  description:
    "The officer's signed audit.read statement for this method and URL (liaison justify; a console session carries its own)",
})
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
  @RECORD_FILTERS
  @AuditReadChecked(({ query }) => parseRecordFilter(query))
  async records(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
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
  @RECORD_FILTERS
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
      const page = await this.audit.records(reader, { ...filter, cursor });
      if (page.records.length > 0) res.write(page.records.map(csvLine).join(''));
      if (page.nextCursor === null || res.destroyed) break;
      cursor = Number(page.nextCursor);
    }
    res.end();
  }

  @Get('refusals')
  @AuditReadChecked(({ query }) => parseRefusalFilter(query))
  async refusals(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
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
  @AuditReadChecked(({ params }) => parseSeq(String(params.seq ?? '')))
  async record(@Req() req: AuthenticatedRequest, @Param('seq') seqText: string) {
    const reader = readerOf(req);
    const seq = parseSeq(seqText);
    const detail = await this.audit.detail(reader, seq);
    await this.audit.logConsultation(reader, `ledger:${seq}`, { endpoint: 'audit:record' });
    return detail;
  }

  @Get('proof/:seq')
  @AuditReadChecked(({ params }) => parseSeq(String(params.seq ?? '')))
  async proof(@Req() req: AuthenticatedRequest, @Param('seq') seqText: string) {
    const reader = readerOf(req);
    const seq = parseSeq(seqText);
    const proof = await this.audit.proof(reader, seq);
    await this.audit.logConsultation(reader, `ledger:${seq}`, { endpoint: 'audit:proof' });
    return proof;
  }

  @Get('checkpoints')
  @AuditReadChecked(({ query }) => parseCheckpointsQuery(query))
  async checkpoints(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    const { limit, before } = parseCheckpointsQuery(query);
    const checkpoints = await this.audit.checkpoints(limit, before);
    await this.audit.logConsultation(reader, 'audit:checkpoints', { query });
    return { checkpoints };
  }

  @Get('consistency')
  @AuditReadChecked(({ query }) => parseConsistencyQuery(query))
  async consistency(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    const { from, to } = parseConsistencyQuery(query);
    const proof = await this.audit.consistency(from, to);
    await this.audit.logConsultation(reader, 'audit:consistency', { from, to });
    return proof;
  }

  @Get('verify')
  @AuditReadChecked(({ query }) => parseNoQuery(query))
  async verify(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    parseNoQuery(query);
    const report = await this.audit.verify();
    await this.audit.logConsultation(reader, 'audit:verify', { ok: report.ok });
    return report;
  }

  @Get('metrics')
  @AuditReadChecked(({ query }) => parseMetricsQuery(query))
  async metrics(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    const { from, to } = parseMetricsQuery(query);
    const metrics = await this.audit.metrics(reader, from, to);
    await this.audit.logConsultation(reader, 'audit:metrics', { query });
    return metrics;
  }
}
