/**
 * The links API (/v1/links):
 * - POST /v1/links/query: a liaison officer's hit/no-hit question about one
 *   selector. The selector travels in the body, never in the URL (URLs reach
 *   logs, and the signed justification binds the request's digest, which for a
 *   selector in the URL would be an enumerable hash of it); the justification is
 *   the officer's signed audit.read statement, as for audit reads.
 * - GET /v1/links/quotas: the query limits and their windows, with every
 *   breach: oversight sees every agency's, a liaison officer its own agency's.
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
import { LinkQueryAnswerDto, LinkQueryDto, QuotaReportDto } from './links.dto';
import { appendLeLog } from '@liaison/persistence';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';
import { auditReaderOf } from '../audit/audit-access';
import { onlyKnown, timestamp, type RawQuery } from '../audit/audit-filters';
import { DATA_SOURCE } from '../tokens';
import { LinkQueryService, selectorOfQuery } from './link-query.service';

function quotasFrom(query: RawQuery): Date {
  onlyKnown(query, ['from']);
  return timestamp(query, 'from') ?? new Date(Date.now() - QUOTA_WINDOW_KEPT_MS);
}

// Both routes are audit reads: the guard checks the request, then verifies and
// records the officer's signed justification.
@ApiTags('links')
@ApiBearerAuth()
@AuditRead()
@Controller('v1/links')
export class LinksController {
  constructor(
    private readonly links: LinkQueryService,
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
    return this.links.query(
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
}
