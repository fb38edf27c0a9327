/**
 * The directory: agencies, groups and public keys. Public keys are public (a
 * recipient verifies offline with them); the agency list needs a token.
 * Administration (register an agency, add or revoke a key) needs the admin role.
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
import { OFFICER_ROLES, renderJwks, type Jwks } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Public, Roles } from '../auth/roles.decorator';
import type { DirectoryCache } from '../directory-cache';
import { DIRECTORY_CACHE, HUB_KEYS } from '../tokens';
import type { HubKeyFiles } from '@liaison/local-files';
import { DirectoryAdmin } from './directory-admin.service';
import {
  AgencyDto,
  AgencyRegisteredDto,
  AgencyRegistrationDto,
  GROUPS_SCHEMA,
  JwksDto,
  KeyAddedDto,
  KeyRegistrationDto,
  KeyRevokedDto,
} from './directory.dto';

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
@Controller()
export class DirectoryController {
  constructor(
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
    @Inject(HUB_KEYS) private readonly hubKeys: HubKeyFiles,
    @Inject(DirectoryAdmin) private readonly admin: DirectoryAdmin,
  ) {}

  @Get('.well-known/jwks.json')
  @Public()
  @ApiOperation({
    summary: "The hub's public keys (receipts, checkpoints)",
    description: 'Public: verify receipts and checkpoints offline with these.',
  })
  @ApiOkResponse({ type: JwksDto })
  hubJwks(): Jwks {
    const key = this.hubKeys.hubSigningKey();
    return renderJwks([{ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk }]);
  }

  @Get('v1/directory/agencies/:id/jwks')
  @Public()
  @ApiOperation({
    summary:
      "An agency's registered public keys (active and retired; revoked ones are withdrawn), then its officers' enrolled keys, each naming its `officer`",
    description: "Public: verify an originator's signature offline with these.",
  })
  @ApiOkResponse({ type: JwksDto })
  async agencyJwks(@Param('id') id: string): Promise<Jwks> {
    const dir = await this.directory.get();
    const agencyId = agencyIdParam(id);
    if (!dir.byId.has(agencyId))
      throw new DomainError('directory.unknown-agency', `no agency ${agencyId}`, 'not-found');
    const agencyKeys = renderJwks(
      dir.keyRows
        .filter((k) => k.agencyId === agencyId && k.status !== 'revoked')
        .map((k) => ({ kid: k.kid, alg: k.alg as 'EdDSA', publicJwk: k.publicJwk as never })),
    );
    return { keys: [...agencyKeys.keys, ...dir.officers.jwksMembersOf(agencyId)] };
  }

  @Get('v1/directory/agencies')
  @ApiBearerAuth()
  @Roles(...OFFICER_ROLES)
  @ApiOperation({ summary: 'Registered agencies' })
  @ApiOkResponse({ type: [AgencyDto] })
  async agencies(): Promise<AgencyDto[]> {
    const dir = await this.directory.get();
    return dir.agencies.map((a) => ({
      id: a.id,
      name: a.name,
      jurisdiction: a.jurisdiction,
      kind: a.kind,
      status: a.status,
      accreditations: a.accreditations,
      acceptedPurposes: a.acceptedPurposes,
      retentionDays: a.retentionDays,
      receivesFeed: a.receivesFeed,
      jwksUrl: `/v1/directory/agencies/${a.id}/jwks`,
    }));
  }

  @Get('v1/directory/groups')
  @ApiBearerAuth()
  @Roles(...OFFICER_ROLES)
  @ApiOperation({ summary: 'Jurisdiction groups (EU, ASEAN, ...)' })
  @ApiOkResponse({ schema: GROUPS_SCHEMA })
  async groups(): Promise<Record<string, readonly string[]>> {
    return (await this.directory.get()).policyDirectory.groups;
  }

  @Post('v1/admin/agencies')
  @HttpCode(201)
  @ApiBearerAuth()
  @Roles('admin')
  @ApiOperation({ summary: 'Register an agency with its public JWKS (admin)' })
  @ApiBody({ type: AgencyRegistrationDto })
  @ApiCreatedResponse({ type: AgencyRegisteredDto })
  register(
    @Req() req: AuthenticatedRequest,
    @Body() body: AgencyRegistrationDto,
  ): Promise<AgencyRegisteredDto> {
    return this.admin.register(req.auth, body);
  }

  @Post('v1/admin/agencies/:id/keys')
  @HttpCode(201)
  @ApiBearerAuth()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a public key to an agency (rotation)' })
  @ApiBody({ type: KeyRegistrationDto })
  @ApiCreatedResponse({ type: KeyAddedDto })
  addKey(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Body() body: KeyRegistrationDto,
  ): Promise<KeyAddedDto> {
    return this.admin.addKey(req.auth, agencyIdParam(id), body);
  }

  @Post('v1/admin/agencies/:id/keys/:kid/revoke')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a key at once: it verifies nothing from now on' })
  @ApiOkResponse({ type: KeyRevokedDto })
  revoke(
    @Req() req: AuthenticatedRequest,
    @Param('id') id: string,
    @Param('kid') kid: string,
  ): Promise<KeyRevokedDto> {
    return this.admin.revoke(req.auth, agencyIdParam(id), kid);
  }
}
