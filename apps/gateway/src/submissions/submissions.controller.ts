/** Publishing: alerts and case notices, as originator-signed SD-JWT or custodial JSON. */
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { MessageKind } from '@liaison/contracts';
import { DomainError } from '@liaison/errors';
import type { AuthenticatedRequest } from '../auth/auth-context';
import type { RateLimiter } from '../auth/rate-limiter';
import { Roles } from '../auth/roles.decorator';
import { RATE_LIMITER, SUBMISSION_SERVICE } from '../tokens';
import { ErrorResponseDto } from '../http/error-response.dto';
import { ApiBodyByMediaType } from '../openapi/api-body-by-media-type';
import type { AcceptedSubmission, SubmissionService } from './submission.service';
import { SubmissionAcceptedDto, SubmissionStatusDto, publishBody } from './submission.dto';

/** What both publishing routes answer besides their body. */
const PUBLISH_ANSWERS = applyDecorators(
  ApiConsumes('application/sd+jwt', 'application/json'),
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retry-safe key: the same key answers the earlier submission (replayed: true)',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  }),
  ApiAcceptedResponse({
    type: SubmissionAcceptedDto,
    description: 'Accepted for policy evaluation',
  }),
  ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: "Your agency's publishing rate is spent (rate.limited, details.retryAfterSec)",
  }),
);

@ApiTags('publish')
@ApiBearerAuth()
@Controller('v1')
export class SubmissionsController {
  constructor(
    @Inject(SUBMISSION_SERVICE) private readonly submissions: SubmissionService,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  private async publish(
    kind: MessageKind,
    req: AuthenticatedRequest,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<AcceptedSubmission> {
    this.limiter.take(req.auth.agencyId);
    const correlationId = (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID();
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/sd+jwt') {
      if (typeof body !== 'string' || body.length === 0) {
        throw new DomainError('submission.empty-body', 'body must be the compact SD-JWT');
      }
      return this.submissions.accept(
        req.auth,
        kind,
        body.trim(),
        false,
        idempotencyKey,
        correlationId,
      );
    }
    if (type === 'application/json') {
      const sdJwt = await this.submissions.signCustodial(req.auth, kind, body);
      return this.submissions.accept(req.auth, kind, sdJwt, true, idempotencyKey, correlationId);
    }
    throw new DomainError(
      'submission.unsupported-media-type',
      'Content-Type must be application/sd+jwt (signed by you) or application/json (custodial agencies)',
      'invalid-input',
    );
  }

  @Post('alerts')
  @HttpCode(202)
  @Roles('publisher')
  @ApiOperation({ summary: 'Publish an alert (202: accepted for policy evaluation)' })
  @PUBLISH_ANSWERS
  @ApiBodyByMediaType(
    'The alert: signed by you (SD-JWT) or, custodial, as JSON',
    publishBody('Alert'),
  )
  publishAlert(
    @Req() req: AuthenticatedRequest,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ): Promise<AcceptedSubmission> {
    return this.publish('ALERT', req, body, key);
  }

  @Post('case-notices')
  @HttpCode(202)
  @Roles('publisher')
  @ApiOperation({ summary: 'Publish a case notice (202: accepted for policy evaluation)' })
  @PUBLISH_ANSWERS
  @ApiBodyByMediaType(
    'The case notice: signed by you (SD-JWT) or, custodial, as JSON',
    publishBody('CaseNotice'),
  )
  publishCaseNotice(
    @Req() req: AuthenticatedRequest,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ): Promise<AcceptedSubmission> {
    return this.publish('CASE_NOTICE', req, body, key);
  }

  @Get('submissions/:messageId')
  @Roles('publisher', 'liaison')
  @ApiOperation({
    summary: 'Status of one of your submissions, with the outcome for each recipient',
    description:
      'Only the submitting agency sees it (404 for anyone else, as for an unknown id). ' +
      'Each recipient: agency, outcome (FULL, REDACTED, DENIED), the deciding rules, the ' +
      'withheld fields by path with their rule, and the delivery entry id in its feed.',
  })
  @ApiOkResponse({ type: SubmissionStatusDto })
  status(
    @Req() req: AuthenticatedRequest,
    @Param('messageId') messageId: string,
  ): Promise<SubmissionStatusDto> {
    return this.submissions.status(req.auth, messageId);
  }
}
