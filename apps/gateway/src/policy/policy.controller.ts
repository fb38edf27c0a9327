/** Dry-run, policy drafts and their four-eyes approval. */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { PolicyAdmin, type PolicyHistoryEntry, type WhatIfAnswer } from './policy-admin.service';
import {
  DryRunDiffAnswerDto,
  DryRunReportDto,
  DryRunRequestDto,
  PolicyApproveRequestDto,
  PolicyDecisionAnswerDto,
  PolicyDraftAnswerDto,
  PolicyDraftRequestDto,
  PolicyHistoryEntryDto,
  PolicyRejectRequestDto,
  WhatIfAnswerDto,
  WhatIfRequestDto,
} from './policy.dto';

const CHANGE_ID = ApiParam({
  name: 'id',
  format: 'uuid',
  description: 'The policy change (draft) id',
});

@ApiTags('policy')
@ApiBearerAuth()
@ApiBadRequestResponse({
  type: ErrorResponseDto,
  description: 'Malformed request, with the reason',
})
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No valid token' })
@ApiForbiddenResponse({
  type: ErrorResponseDto,
  description: 'Role, jurisdiction or four-eyes refusal',
})
@Controller('v1/policies')
export class PolicyController {
  constructor(@Inject(PolicyAdmin) private readonly policies: PolicyAdmin) {}

  @Post('dry-run')
  @HttpCode(200)
  @Roles('publisher', 'liaison', 'policy-author', 'policy-approver')
  @ApiOperation({
    summary:
      'Who would get what, field by field, for a draft message (and optionally a draft policy)',
  })
  @ApiBody({ type: DryRunRequestDto })
  @ApiExtraModels(DryRunReportDto, DryRunDiffAnswerDto)
  @ApiOkResponse({
    description:
      'Without draftPolicy: the report (DryRunReportDto); with one: what changes (DryRunDiffAnswerDto)',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(DryRunReportDto) },
        { $ref: getSchemaPath(DryRunDiffAnswerDto) },
      ],
    },
  })
  dryRun(
    @Req() req: AuthenticatedRequest,
    @Body() body: DryRunRequestDto,
  ): Promise<DryRunReportDto | DryRunDiffAnswerDto> {
    return this.policies.dryRun(req.auth, body);
  }

  @Post('what-if')
  @HttpCode(200)
  @Roles('liaison', 'policy-author', 'policy-approver')
  @ApiOperation({
    summary:
      "A draft's effect: its rule changes and its decisions replayed over your jurisdiction's latest messages",
  })
  @ApiBody({ type: WhatIfRequestDto })
  @ApiOkResponse({ type: WhatIfAnswerDto })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'No such change in your jurisdiction',
  })
  whatIf(@Req() req: AuthenticatedRequest, @Body() body: WhatIfRequestDto): Promise<WhatIfAnswer> {
    return this.policies.whatIf(req.auth, body);
  }

  @Get()
  @Roles('liaison', 'policy-author', 'policy-approver')
  @ApiOperation({ summary: "Your jurisdiction's policy versions (approved, drafts, history)" })
  @ApiOkResponse({ type: [PolicyHistoryEntryDto] })
  list(@Req() req: AuthenticatedRequest): Promise<PolicyHistoryEntry[]> {
    return this.policies.current(req.auth);
  }

  @Post('drafts')
  @HttpCode(201)
  @Roles('policy-author')
  @ApiOperation({
    summary:
      'Propose a new policy version (body { document, statement }; a draft until a second officer approves)',
  })
  @ApiBody({ type: PolicyDraftRequestDto })
  @ApiCreatedResponse({ type: PolicyDraftAnswerDto })
  draft(
    @Req() req: AuthenticatedRequest,
    @Body() body: PolicyDraftRequestDto,
  ): Promise<PolicyDraftAnswerDto> {
    return this.policies.draft(req.auth, body);
  }

  @Post('drafts/:id/approve')
  @HttpCode(200)
  @Roles('policy-approver')
  @ApiOperation({
    summary:
      'Approve a draft (another enrolled officer of the same agency; body { statement }: your signed policy.approve statement)',
  })
  @CHANGE_ID
  @ApiBody({ type: PolicyApproveRequestDto })
  @ApiOkResponse({ type: PolicyDecisionAnswerDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  approve(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: PolicyApproveRequestDto,
  ): Promise<PolicyDecisionAnswerDto> {
    return this.policies.decide(req.auth, id, 'approve', { statement: body?.statement });
  }

  @Post('drafts/:id/reject')
  @HttpCode(200)
  @Roles('policy-approver')
  @ApiOperation({ summary: 'Reject a draft, with a reason (signed in the statement)' })
  @CHANGE_ID
  @ApiBody({ type: PolicyRejectRequestDto })
  @ApiOkResponse({ type: PolicyDecisionAnswerDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  reject(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: PolicyRejectRequestDto,
  ): Promise<PolicyDecisionAnswerDto> {
    return this.policies.decide(req.auth, id, 'reject', {
      reason: body?.reason,
      statement: body?.statement,
    });
  }
}
