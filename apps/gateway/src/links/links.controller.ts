/**
 * The links API (/v1/links):
 * - POST /v1/links/query: a liaison officer's hit/no-hit question about one
 *   selector. The selector travels in the body, never in the URL (URLs reach
 *   logs, and the signed justification binds the request's digest, which for a
 *   selector in the URL would be an enumerable hash of it); the justification is
 *   the officer's signed audit.read statement, as for audit reads.
 * - GET /v1/links/quotas: the query limits and their windows, with every
 *   breach: oversight sees every agency's, a liaison officer its own agency's.
 * - GET /v1/links/notices: a liaison officer's agency's link notices and the
 *   graph of agencies and case handles they draw (never a selector value).
 * - GET /v1/links/overview: for oversight, the hits between agencies counted
 *   per pair and per selector kind, small counts suppressed.
 */
import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { QUOTA_WINDOW_KEPT_MS } from '@liaison/links';
import { ErrorResponseDto } from '../http/error-response.dto';
import {
  AgencyLinkNoticesDto,
  LinkOverviewDto,
  LinkQueryAnswerDto,
  LinkQueryDto,
  QuotaReportDto,
} from './links.dto';
import { appendLeLog } from '@liaison/persistence';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';
import { auditReaderOf } from '../audit/audit-access';
import {
  integer,
  onlyKnown,
  parseMetricsQuery,
  timestamp,
  type RawQuery,
} from '../audit/audit-filters';
import { DATA_SOURCE } from '../tokens';
import { LinkQueryService, selectorOfQuery } from './link-query.service';
import {
  LinkViewsService,
  type AgencyLinkNotices,
  type LinkOverviewAnswer,
} from './link-views.service';

const MAX_NOTICES = 1000;

function noticesPage(query: RawQuery): { limit: number; cursor?: number } {
  onlyKnown(query, ['limit', 'cursor']);
  return {
    limit: integer(query, 'limit', 1, MAX_NOTICES) ?? 200,
    cursor: integer(query, 'cursor', 1, Number.MAX_SAFE_INTEGER),
  };
}

function quotasFrom(query: RawQuery): Date {
  onlyKnown(query, ['from']);
  return timestamp(query, 'from') ?? new Date(Date.now() - QUOTA_WINDOW_KEPT_MS);
}

// Every route is an audit read: the guard checks the request, then verifies and
// records the officer's signed justification.
@ApiTags('links')
@ApiBearerAuth()
@AuditRead()
@Controller('v1/links')
export class LinksController {
  constructor(
    private readonly links: LinkQueryService,
    private readonly views: LinkViewsService,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Post('query')
  @HttpCode(200)
  @Roles('liaison')
  @AuditReadChecked(({ query, body, auth }) => {
    onlyKnown(query, []);
    return selectorOfQuery(body, auth?.jurisdiction ?? '');
  })
  @ApiOperation({
    summary:
      'Hit/no-hit: does another agency hold this selector? Body {kind, value, country?, platform?, dateOfBirth?}; X-Justification required',
  })
  @ApiBody({ type: LinkQueryDto })
  @ApiOkResponse({ type: LinkQueryAnswerDto })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'Your agency or officer quota window is full (links.rate-limited)',
  })
  query(@Req() req: AuthenticatedRequest, @Body() body: LinkQueryDto): Promise<LinkQueryAnswerDto> {
    const reader = auditReaderOf(req.auth, req.justification);
    return this.links.ask(
      {
        auth: req.auth,
        justification: { text: reader.justification, ...reader.statement },
      },
      body,
    );
  }

  @Get('quotas')
  @Roles('oversight', 'liaison')
  @AuditReadChecked(({ query }) => quotasFrom(query))
  @ApiOperation({
    summary:
      'Link query limits and their windows with breaches (oversight: every agency; liaison: your own)',
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'ISO 8601 date or date-time (UTC); default: 7 days ago',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: QuotaReportDto })
  async quotas(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<QuotaReportDto> {
    const reader = auditReaderOf(req.auth, req.justification);
    const from = quotasFrom(query);
    const report = await this.links.quotas(
      reader.mode === 'oversight' ? undefined : reader.agencyId,
      from,
    );
    await appendLeLog(this.ds, [
      {
        actor: reader.actor,
        action: 'CONSULTATION',
        subject: 'links:quotas',
        justification: reader.justification,
        details: {
          role: reader.mode,
          from: from.toISOString(),
          returned: report.windows.length,
          statement: reader.statement,
        },
      },
    ]);
    return report;
  }

  @Get('notices')
  @Roles('liaison')
  @AuditReadChecked(({ query }) => noticesPage(query))
  @ApiOperation({
    summary:
      "Your agency's link notices, newest first, with the graph of agencies and case handles they join (never a selector value)",
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: 'nextCursor of the previous page (older notices)',
    schema: { type: 'integer', minimum: 1 },
  })
  @ApiOkResponse({ type: AgencyLinkNoticesDto })
  async notices(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<AgencyLinkNotices> {
    const reader = auditReaderOf(req.auth, req.justification);
    const { limit, cursor } = noticesPage(query);
    const answer = await this.views.notices(reader.agencyId, limit, cursor);
    await appendLeLog(this.ds, [
      {
        actor: reader.actor,
        action: 'CONSULTATION',
        subject: 'links:notices',
        justification: reader.justification,
        details: {
          role: reader.mode,
          limit,
          cursor,
          returned: answer.notices.length,
          statement: reader.statement,
        },
      },
    ]);
    return answer;
  }

  @Get('overview')
  @Roles('oversight')
  @AuditReadChecked(({ query }) => parseMetricsQuery(query))
  @ApiOperation({
    summary:
      'Oversight: links found between agencies, per pair and per selector kind, small counts suppressed (from, to: default the last 90 days)',
  })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiOkResponse({ type: LinkOverviewDto })
  async overview(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<LinkOverviewAnswer> {
    const reader = auditReaderOf(req.auth, req.justification);
    const { from, to } = parseMetricsQuery(query);
    const answer = await this.views.overview(from, to);
    await appendLeLog(this.ds, [
      {
        actor: reader.actor,
        action: 'CONSULTATION',
        subject: 'links:overview',
        justification: reader.justification,
        details: {
          role: reader.mode,
          from: answer.from,
          to: answer.to,
          pairs: answer.pairs.length,
          statement: reader.statement,
        },
      },
    ]);
    return answer;
  }
}
