/** Dry-run, policy drafts and their four-eyes approval. */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { PolicyAdmin } from './policy-admin.service';

@ApiTags('policy')
@ApiBearerAuth()
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
  dryRun(
    @Req() req: AuthenticatedRequest,
    @Body() body: { kind?: unknown; message?: unknown; draftPolicy?: unknown },
  ): Promise<unknown> {
    return this.policies.dryRun(req.auth, body);
  }

  @Get()
  @Roles('liaison', 'policy-author', 'policy-approver')
  @ApiOperation({ summary: "Your jurisdiction's policy versions (approved, drafts, history)" })
  list(@Req() req: AuthenticatedRequest): Promise<unknown[]> {
    return this.policies.current(req.auth);
  }

  @Post('drafts')
  @HttpCode(201)
  @Roles('policy-author')
  @ApiOperation({
    summary:
      'Propose a new policy version (body { document, statement }; a draft until a second officer approves)',
  })
  draft(@Req() req: AuthenticatedRequest, @Body() body: unknown): Promise<unknown> {
    return this.policies.draft(req.auth, body);
  }

  @Post('drafts/:id/approve')
  @HttpCode(200)
  @Roles('policy-approver')
  @ApiOperation({
    summary:
      'Approve a draft (another enrolled officer of the same agency; body { statement }: your signed policy.approve statement)',
  })
  approve(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: { statement?: unknown },
  ): Promise<unknown> {
    return this.policies.decide(req.auth, id, 'approve', { statement: body?.statement });
  }

  @Post('drafts/:id/reject')
  @HttpCode(200)
  @Roles('policy-approver')
  @ApiOperation({ summary: 'Reject a draft, with a reason (signed in the statement)' })
  reject(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: { reason?: unknown; statement?: unknown },
  ): Promise<unknown> {
    return this.policies.decide(req.auth, id, 'reject', {
      reason: body?.reason,
      statement: body?.statement,
    });
  }
}
