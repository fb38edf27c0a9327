/**
 * Officer enrolment API: an agency's officer administrator (own agency) or the
 * hub's directory administrator enrols an officer's public key with roles, lists
 * enrolments, and revokes one at once.
 */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError } from '@liaison/errors';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { EnrolledOfficerDto, OfficerEnrolmentDto } from './directory.dto';
import { OfficerEnrolment } from './officer-enrolment.service';

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

function agencyIdParam(id: string): string {
  if (!AGENCY_ID.test(id))
    throw new DomainError(
      'directory.bad-agency-id',
      'agency id must match ^[a-z0-9][a-z0-9-]{1,62}$',
    );
  return id;
}

@ApiTags('directory')
@ApiBearerAuth()
@Roles('admin', 'officer-admin')
@Controller('v1/admin/agencies/:id/officers')
export class OfficerController {
  constructor(@Inject(OfficerEnrolment) private readonly officers: OfficerEnrolment) {}

  @Get()
  @ApiOperation({ summary: "An agency's officer enrolments (active and revoked)" })
  @ApiOkResponse({ type: [EnrolledOfficerDto] })
  list(@Req() req: AuthenticatedRequest, @Param('id') id: string): Promise<EnrolledOfficerDto[]> {
    return this.officers.list(req.auth, agencyIdParam(id));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Enrol an officer: their own public signing key (JWK) and the roles they may hold',
  })
  @ApiBody({ type: OfficerEnrolmentDto })
  @ApiCreatedResponse({ type: EnrolledOfficerDto })
  enrol(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: OfficerEnrolmentDto,
  ): Promise<EnrolledOfficerDto> {
    return this.officers.enrol(req.auth, agencyIdParam(id), body);
  }

  @Post(':officerId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke an officer's enrolment at once (tokens and sessions stop)" })
  @ApiOkResponse({ type: EnrolledOfficerDto })
  revoke(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Param('officerId') officerId: string,
  ): Promise<EnrolledOfficerDto> {
    return this.officers.revoke(req.auth, agencyIdParam(id), officerId);
  }
}
