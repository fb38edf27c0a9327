/**
 * The audit HTTP API (/v1/audit): ledger search as JSON and streamed CSV,
 * record detail with what was sent next to what was received, inclusion and
 * consistency proofs, checkpoints, the chain status, chart aggregates and the
 * refusals recorded in the law-enforcement log.
 * Authentication is the gateway's guard (req.auth); authorisation and the
 * CONSULTATION log entry happen here, for every read.
 */
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@liaison/errors';
import { csvHeader, csvLine } from '@liaison/ledger';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { auditReaderOf, type AuditReader } from './audit-access';
import {
  MAX_LIMIT,
  integer,
  onlyKnown,
  parseRecordFilter,
  parseSeq,
  timestamp,
  type RawQuery,
} from './audit-filters';
import { AuditQueryService } from './audit-query.service';
import { parseRefusalFilter } from './refusal-filters';
import { AuditRead, Roles } from '../auth/roles.decorator';

const DAY_MS = 86_400_000;
const MAX_METRICS_DAYS = 366;

function readerOf(req: AuthenticatedRequest): AuditReader {
  return auditReaderOf((req as Partial<AuthenticatedRequest>).auth, req.justification);
}

// The gateway guard admits liaison and oversight officers and verifies the signed
// justification of every read; auditReaderOf scopes them.
@Roles('liaison', 'oversight')
@AuditRead()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get('records')
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
  async recordsCsv(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
    @Res() res: Response,
  ): Promise<void> {
    const reader = readerOf(req);
    const filter = parseRecordFilter({ ...query, limit: String(MAX_LIMIT) });
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
  async record(@Req() req: AuthenticatedRequest, @Param('seq') seqText: string) {
    const reader = readerOf(req);
    const seq = parseSeq(seqText);
    const detail = await this.audit.detail(reader, seq);
    await this.audit.logConsultation(reader, `ledger:${seq}`, { endpoint: 'audit:record' });
    return detail;
  }

  @Get('proof/:seq')
  async proof(@Req() req: AuthenticatedRequest, @Param('seq') seqText: string) {
    const reader = readerOf(req);
    const seq = parseSeq(seqText);
    const proof = await this.audit.proof(reader, seq);
    await this.audit.logConsultation(reader, `ledger:${seq}`, { endpoint: 'audit:proof' });
    return proof;
  }

  @Get('checkpoints')
  async checkpoints(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    onlyKnown(query, ['limit', 'before']);
    const limit = integer(query, 'limit', 1, MAX_LIMIT) ?? 100;
    const before = integer(query, 'before', 1, Number.MAX_SAFE_INTEGER);
    const checkpoints = await this.audit.checkpoints(limit, before);
    await this.audit.logConsultation(reader, 'audit:checkpoints', { query });
    return { checkpoints };
  }

  @Get('consistency')
  async consistency(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    onlyKnown(query, ['from', 'to']);
    const from = integer(query, 'from', 1, Number.MAX_SAFE_INTEGER);
    const to = integer(query, 'to', 1, Number.MAX_SAFE_INTEGER);
    if (from === undefined || to === undefined || from > to) {
      const field = from === undefined ? 'from' : 'to';
      throw new DomainError(
        'audit.invalid-query',
        `${field}: from and to are checkpoint sizes with from <= to`,
        'invalid-input',
        { field },
      );
    }
    const proof = await this.audit.consistency(from, to);
    await this.audit.logConsultation(reader, 'audit:consistency', { from, to });
    return proof;
  }

  @Get('verify')
  async verify(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    onlyKnown(query, []);
    const report = await this.audit.verify();
    await this.audit.logConsultation(reader, 'audit:verify', { ok: report.ok });
    return report;
  }

  @Get('metrics')
  async metrics(@Req() req: AuthenticatedRequest, @Query() query: RawQuery) {
    const reader = readerOf(req);
    onlyKnown(query, ['from', 'to']);
    const to = timestamp(query, 'to') ?? new Date();
    const from = timestamp(query, 'from') ?? new Date(to.getTime() - 90 * DAY_MS);
    if (from > to || to.getTime() - from.getTime() > MAX_METRICS_DAYS * DAY_MS) {
      throw new DomainError(
        'audit.invalid-query',
        `from: the range must be positive and at most ${MAX_METRICS_DAYS} days`,
        'invalid-input',
        { field: 'from' },
      );
    }
    const metrics = await this.audit.metrics(reader, from, to);
    await this.audit.logConsultation(reader, 'audit:metrics', { query });
    return metrics;
  }
}
