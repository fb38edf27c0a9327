/**
 * Onward-sharing consent (/v1/links/consents), for liaison officers:
 * - GET /v1/links/consents[?status=PENDING|GRANTED|REFUSED]: the requests your
 *   agency is asked (role ORIGINAL) and those about its held messages
 *   (REQUESTER, where the answer and its reason are read);
 * - POST /v1/links/consents/{requestId}/grant  body {reason?}
 * - POST /v1/links/consents/{requestId}/refuse body {reason}
 * An answer is an officer's act: it needs X-Justification, a statement signed
 * by the officer's enrolled key and bound to the request (as an audit read
 * does), checked after the request itself and kept in the statement log and
 * the answer's log entry. Only the original originator answers, once (404 for
 * another agency's request, 409 once answered, 400 for a bad body); every
 * refusal is traced by the error filter.
 */
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError } from '@liaison/errors';
import type { ConsentRequestView, ConsentStatus } from '@liaison/links';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { AuditRead, AuditReadChecked, Roles } from '../auth/roles.decorator';
import { auditReaderOf } from '../audit/audit-access';
import { onlyKnown, type RawQuery } from '../audit/audit-filters';
import { ConsentAnswerDto, ConsentRequestDto, ConsentRequestsDto } from './links.dto';
import { OnwardConsentService, consentAnswerOf } from './onward-consent.service';

const STATUSES: readonly ConsentStatus[] = ['PENDING', 'GRANTED', 'REFUSED'];

function statusOf(query: RawQuery): ConsentStatus | undefined {
  onlyKnown(query, ['status']);
  const raw = query.status;
  if (raw === undefined) return undefined;
  const status = STATUSES.find((s) => s === raw);
  if (status === undefined) {
    throw new DomainError(
      'links.invalid-consent-query',
      `status must be one of ${STATUSES.join(', ')}`,
    );
  }
  return status;
}

@ApiTags('links')
@ApiBearerAuth()
@Controller('v1/links/consents')
export class OnwardConsentController {
  constructor(private readonly consents: OnwardConsentService) {}

  @Get()
  @Roles('liaison')
  @ApiOperation({
    summary: 'Onward-sharing consent requests asked of your agency or about its held messages',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['PENDING', 'GRANTED', 'REFUSED'] })
  @ApiOkResponse({ type: ConsentRequestsDto })
  async list(
    @Req() req: AuthenticatedRequest,
    @Query() query: RawQuery,
  ): Promise<{ requests: ConsentRequestView[] }> {
    return { requests: await this.consents.list(req.auth, statusOf(query)) };
  }

  @Post(':requestId/grant')
  @HttpCode(200)
  @Roles('liaison')
  @AuditRead()
  @AuditReadChecked(({ query, params, body }) => {
    onlyKnown(query, []);
    return consentAnswerOf(params.requestId, 'grant', body);
  })
  @ApiOperation({
    summary:
      'Consent to the held recipients (the original originator only); X-Justification required',
  })
  @ApiBody({ type: ConsentAnswerDto, required: false })
  @ApiOkResponse({ type: ConsentRequestDto })
  grant(
    @Req() req: AuthenticatedRequest,
    @Param('requestId') requestId: string,
    @Body() body: unknown,
  ): Promise<ConsentRequestView> {
    const officer = auditReaderOf(req.auth, req.justification);
    return this.consents.answer(
      req.auth,
      { text: officer.justification, ...officer.statement },
      requestId,
      'grant',
      body,
    );
  }

  @Post(':requestId/refuse')
  @HttpCode(200)
  @Roles('liaison')
  @AuditRead()
  @AuditReadChecked(({ query, params, body }) => {
    onlyKnown(query, []);
    return consentAnswerOf(params.requestId, 'refuse', body);
  })
  @ApiOperation({
    summary:
      'Refuse, with a reason the requester reads (the original originator only); X-Justification required',
  })
  @ApiBody({ type: ConsentAnswerDto })
  @ApiOkResponse({ type: ConsentRequestDto })
  refuse(
    @Req() req: AuthenticatedRequest,
    @Param('requestId') requestId: string,
    @Body() body: unknown,
  ): Promise<ConsentRequestView> {
    const officer = auditReaderOf(req.auth, req.justification);
    return this.consents.answer(
      req.auth,
      { text: officer.justification, ...officer.statement },
      requestId,
      'refuse',
      body,
    );
  }
}
