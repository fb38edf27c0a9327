/**
 * GET /v1/cases and GET /v1/cases/{caseRef}: the cases the caller's agency takes
 * part in or is invited to.
 */
import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { parseInteger, refusalWith } from '../http/query-params';
import { CaseViewService } from './case-view.service';
import { CaseDetailDto, CaseListDto } from './case.dto';

const refuseCases = refusalWith('cases.bad-limit');

@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
export class CaseViewController {
  constructor(private readonly cases: CaseViewService) {}

  @Get()
  @Roles('subscriber', 'publisher', 'liaison')
  @ApiOperation({
    summary: "Your agency's cases and invitations, with counts of approaching and overdue requests",
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: "The previous page's nextCursor",
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: CaseListDto })
  list(
    @Req() req: AuthenticatedRequest,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<CaseListDto> {
    const n =
      limit === undefined ? 100 : parseInteger(limit, 'limit', { min: 1, max: 1000 }, refuseCases);
    return this.cases.list(req.auth.agencyId, n, cursor);
  }

  @Get(':caseRef')
  @Roles('subscriber', 'publisher', 'liaison')
  @ApiOperation({
    summary:
      'A case you take part in: participants, your requests with their clocks read now, and the notices you sent or received; a case you are invited to: the invitation',
  })
  @ApiOkResponse({ type: CaseDetailDto })
  show(
    @Req() req: AuthenticatedRequest,
    @Param('caseRef') caseRef: string,
  ): Promise<CaseDetailDto> {
    return this.cases.show(req.auth.agencyId, caseRef);
  }
}
