/**
 * The directory's and officer enrolment's request and answer shapes, for the
 * OpenAPI document. Validation stays with the services' parsers (which take
 * the body as untrusted JSON): these classes describe, they do not validate.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OFFICER_ROLES } from '@liaison/crypto';

export class PublicJwkDto {
  /** Other JWK members pass through as given. */
  [member: string]: unknown;
  @ApiProperty({ example: 'OKP' }) kty!: string;
  @ApiPropertyOptional({ example: 'Ed25519' }) crv?: string;
  @ApiPropertyOptional({ example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }) x?: string;
  @ApiPropertyOptional({ description: 'EC keys (P-256) only' }) y?: string;
  @ApiPropertyOptional({ example: 'nl-knp-sig-2026' }) kid?: string;
  @ApiPropertyOptional({ example: 'EdDSA' }) alg?: string;
  @ApiPropertyOptional({ enum: ['sig', 'enc'] }) use?: string;
  @ApiPropertyOptional({ type: [String] }) key_ops?: readonly string[];
  @ApiPropertyOptional({
    description: "An officer's enrolled key: the officer id",
    example: 'anna',
  })
  officer?: string;
}

export class JwksDto {
  @ApiProperty({ type: [PublicJwkDto] }) keys!: readonly PublicJwkDto[];
}

export class AgencyDto {
  @ApiProperty({ example: 'nl-knp' }) id!: string;
  @ApiProperty({ example: 'Netherlands National Police' }) name!: string;
  @ApiProperty({ example: 'NL' }) jurisdiction!: string;
  @ApiProperty({ example: 'LAW_ENFORCEMENT' }) kind!: string;
  @ApiProperty({ example: 'ACTIVE' }) status!: string;
  @ApiProperty({ type: [String], example: ['EUROPOL-SIENA'] }) accreditations!: readonly string[];
  @ApiProperty({ type: [String], example: ['VICTIM_PROTECTION', 'INVESTIGATION'] })
  acceptedPurposes!: readonly string[];
  @ApiProperty({ example: 365 }) retentionDays!: number;
  @ApiProperty({ description: 'Whether the agency has a feed' }) receivesFeed!: boolean;
  @ApiProperty({ example: '/v1/directory/agencies/nl-knp/jwks' }) jwksUrl!: string;
}

export const GROUPS_SCHEMA = {
  type: 'object',
  description: 'Group name to its jurisdictions',
  additionalProperties: { type: 'array', items: { type: 'string' } },
  example: { EU: ['DE', 'FR', 'NL', 'RO'], ASEAN: ['TH', 'VN'] },
} as const;

export class AgencyRegistrationDto {
  @ApiProperty({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', example: 'be-police' }) id!: string;
  @ApiProperty({ example: 'Belgian Federal Police' }) name!: string;
  @ApiProperty({ example: 'BE' }) jurisdiction!: string;
  @ApiProperty({ example: 'LAW_ENFORCEMENT' }) kind!: string;
  @ApiPropertyOptional({ type: [String] }) accreditations?: string[];
  @ApiProperty({ type: [String], example: ['INVESTIGATION'] }) acceptedPurposes!: string[];
  @ApiProperty({ example: 365 }) retentionDays!: number;
  @ApiPropertyOptional({ type: [String], example: ['EU'] }) groups?: string[];
  @ApiProperty({ type: JwksDto, description: "The agency's public keys (liaison keys generate)" })
  jwks!: JwksDto;
}

export class AgencyRegisteredDto {
  @ApiProperty({ example: 'be-police' }) id!: string;
  @ApiProperty({ example: 'hub.feed.be-police.v1' }) feedTopic!: string;
}

export class KeyRegistrationDto {
  @ApiProperty({ type: PublicJwkDto }) jwk!: PublicJwkDto;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the key stops verifying (in the future); none: until revoked',
  })
  notAfter?: string;
}

export class KeyAddedDto {
  @ApiProperty({ example: 'be-police-sig-2027' }) kid!: string;
}

export class KeyRevokedDto {
  @ApiProperty({ example: 'be-police-sig-2026' }) kid!: string;
  @ApiProperty({ format: 'date-time' }) revokedAt!: string;
}

export class OfficerEnrolmentDto {
  @ApiProperty({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', example: 'anna' }) officerId!: string;
  @ApiProperty({
    type: [String],
    enum: [...OFFICER_ROLES],
    example: ['liaison'],
  })
  roles!: string[];
  @ApiProperty({ type: PublicJwkDto, description: "The officer's own public signing key" })
  jwk!: PublicJwkDto;
}

export class EnrolledOfficerDto {
  @ApiProperty({ example: 'nl-knp' }) agencyId!: string;
  @ApiProperty({ example: 'anna' }) officerId!: string;
  @ApiProperty({ example: 'nl-knp-anna-1' }) kid!: string;
  @ApiProperty({ type: [String], example: ['liaison'] }) roles!: readonly string[];
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt!: string;
  @ApiProperty({ example: 'nl-knp/olaf' }) enrolledBy!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) revokedAt!: string | null;
}
