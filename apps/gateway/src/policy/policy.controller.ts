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
    summary: 'Propose a new policy version (a draft until a second officer approves)',
  })
  draft(@Req() req: AuthenticatedRequest, @Body() body: unknown): Promise<unknown> {
    return this.policies.draft(req.auth, body);
  }

  @Post('drafts/:id/approve')
  @HttpCode(200)
  @Roles('policy-approver')
  @ApiOperation({ summary: 'Approve a draft (not your own; same jurisdiction)' })
  approve(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<unknown> {
    return this.policies.decide(req.auth, id, 'approve');
  }

  @Post('drafts/:id/reject')
  @HttpCode(200)
  @Roles('policy-approver')
  @ApiOperation({ summary: 'Reject a draft' })
  reject(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: { reason?: string },
  ): Promise<unknown> {
    return this.policies.decide(
      req.auth,
      id,
      'reject',
      typeof body?.reason === 'string' ? body.reason.slice(0, 500) : undefined,
    );
  }
}
