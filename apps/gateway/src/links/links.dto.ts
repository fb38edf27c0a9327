/**
 * The links API's request and answer shapes, for the OpenAPI document. The
 * query body is described, not validated here: parseSelectorQuery reads it as
 * untrusted JSON and refuses it with the field and reason (links.invalid-query).
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SELECTOR_KINDS } from '@liaison/links';
import { TLP_LEVELS } from '@liaison/policy';

/** TLP 2.0 as every answer spells it (the Avro symbol AMBER_STRICT reads AMBER+STRICT). */
const TLP_SPELLINGS = [...TLP_LEVELS];

export class LinkQueryDto {
  @ApiProperty({ enum: [...SELECTOR_KINDS], description: 'Case-insensitive', example: 'PHONE' })
  kind!: string;
  @ApiProperty({
    description: 'The selector as written; never logged, stored or echoed',
    example: '0721 555 014',
  })
  value!: string;
  @ApiPropertyOptional({
    description: 'ISO 3166-1 alpha-2 for a national phone number, document or plate',
    example: 'RO',
  })
  country?: string;
  @ApiPropertyOptional({ description: 'HANDLE: the platform', example: 'telegram' })
  platform?: string;
  @ApiPropertyOptional({ description: 'PERSON: YYYY-MM-DD', example: '1990-04-12' })
  dateOfBirth?: string;
}

class HitHolderDto {
  @ApiProperty({ example: 'ro-diicot' }) agency!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'RO-2026-118' })
  caseHandle!: string | null;
  @ApiProperty({ enum: TLP_SPELLINGS }) tlp!: string;
  @ApiProperty({ enum: [...SELECTOR_KINDS] }) kind!: string;
  @ApiProperty({ enum: ['EXACT', 'POSSIBLE'] }) strength!: string;
  @ApiProperty({ example: 2 }) messages!: number;
  @ApiProperty({ type: [String], example: ['RO-LINKS-01'] }) rules!: readonly string[];
}

class QuotaLeftDto {
  @ApiProperty({ example: 50 }) limit!: number;
  @ApiProperty({ example: 49 }) remaining!: number;
  @ApiProperty({ format: 'date-time' }) windowEnd!: string;
}

class QuotaPairDto {
  @ApiProperty({ type: QuotaLeftDto }) agency!: QuotaLeftDto;
  @ApiProperty({ type: QuotaLeftDto }) officer!: QuotaLeftDto;
}

export class LinkQueryAnswerDto {
  @ApiProperty() hit!: boolean;
  @ApiProperty({ enum: [...SELECTOR_KINDS] }) kind!: string;
  @ApiProperty({ enum: ['EXACT', 'POSSIBLE'] }) strength!: string;
  @ApiProperty({ type: [HitHolderDto] }) holders!: readonly HitHolderDto[];
  @ApiProperty({ format: 'date-time' }) askedAt!: string;
  @ApiProperty({ type: QuotaPairDto, description: 'What is left of your quota windows' })
  quota!: QuotaPairDto;
}

class QuotaLimitDto {
  @ApiProperty({ description: 'Queries admitted per window', example: 50 }) limit!: number;
  @ApiProperty({ example: 86400000 }) windowMs!: number;
}

class QuotaLimitsDto {
  @ApiProperty({ type: QuotaLimitDto }) agency!: QuotaLimitDto;
  @ApiProperty({ type: QuotaLimitDto }) officer!: QuotaLimitDto;
}

class QuotaWindowDto {
  @ApiProperty({ enum: ['AGENCY', 'OFFICER'] }) scope!: string;
  @ApiProperty({ description: 'The agency, or agency/officer', example: 'nl-knp/anna' })
  holder!: string;
  @ApiProperty({ example: 'nl-knp' }) agency!: string;
  @ApiProperty({ format: 'date-time' }) windowStart!: string;
  @ApiProperty({ format: 'date-time' }) windowEnd!: string;
  @ApiProperty() limit!: number;
  @ApiProperty() used!: number;
  @ApiProperty({ description: 'Queries refused in this window (breaches)' }) refused!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  lastRefusedAt!: string | null;
}

export class QuotaReportDto {
  @ApiProperty({ type: QuotaLimitsDto }) limits!: QuotaLimitsDto;
  @ApiProperty({ type: [QuotaWindowDto] }) windows!: readonly QuotaWindowDto[];
}

/** A count, or "suppressed" below the small-count threshold. */
const CELL = {
  oneOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', enum: ['suppressed'] },
  ],
  example: 7,
};

class LinkGraphNodeDto {
  @ApiProperty({ example: 'case:ro-diicot:RO-2026-118' }) id!: string;
  @ApiProperty({ enum: ['AGENCY', 'CASE'] }) kind!: string;
  @ApiProperty({ example: 'ro-diicot' }) agency!: string;
  @ApiProperty({ example: 'RO-2026-118' }) label!: string;
  @ApiProperty({ description: "The reader's own agency or case" }) own!: boolean;
}

class LinkGraphEdgeDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: ['HOLDS', 'LINK'] }) kind!: string;
  @ApiProperty({ type: [String], example: ['PHONE'] }) selectorKinds!: readonly string[];
  @ApiProperty({ enum: ['EXACT', 'POSSIBLE'], nullable: true, type: 'string' })
  strength!: string | null;
  @ApiProperty(CELL) count!: number | 'suppressed';
}

class LinkGraphDto {
  @ApiProperty({ type: [LinkGraphNodeDto] }) nodes!: readonly LinkGraphNodeDto[];
  @ApiProperty({ type: [LinkGraphEdgeDto] }) edges!: readonly LinkGraphEdgeDto[];
}

class LinkNoticeViewDto {
  @ApiProperty() noticeId!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'NL-2026-0417' })
  caseHandle!: string | null;
  @ApiProperty({ example: 'ro-diicot' }) counterpartAgency!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'RO-2026-118' })
  counterpartCaseHandle!: string | null;
  @ApiProperty({ type: [String], example: ['PHONE'] }) kinds!: readonly string[];
  @ApiProperty({ enum: ['EXACT', 'POSSIBLE'] }) strength!: string;
  @ApiProperty({ enum: TLP_SPELLINGS, example: 'AMBER' }) counterpartTlp!: string;
  @ApiProperty({ type: [String], example: ['NL-LINKS-01'] }) rules!: readonly string[];
  @ApiProperty({ format: 'date-time' }) foundAt!: string;
}

export class AgencyLinkNoticesDto {
  @ApiProperty({ example: 'nl-knp' }) agency!: string;
  @ApiProperty({ type: [LinkNoticeViewDto] }) notices!: readonly LinkNoticeViewDto[];
  @ApiProperty({ description: 'More notices exist than the limit: the oldest are not shown' })
  truncated!: boolean;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as cursor for the next (older) page; null: no more',
  })
  nextCursor!: string | null;
  @ApiProperty({ example: 12, description: "How many notices your agency's feed holds in all" })
  total!: number;
  @ApiProperty({ type: LinkGraphDto }) graph!: LinkGraphDto;
}

class AgencyPairLinksDto {
  @ApiProperty({ type: [String], example: ['nl-knp', 'ro-diicot'] })
  agencies!: readonly string[];
  @ApiProperty(CELL) links!: number | 'suppressed';
  @ApiProperty(CELL) notified!: number | 'suppressed';
  @ApiProperty(CELL) denied!: number | 'suppressed';
}

class KindLinksDto {
  @ApiProperty({ enum: [...SELECTOR_KINDS] }) kind!: string;
  @ApiProperty(CELL) links!: number | 'suppressed';
}

class LinkTotalsDto {
  @ApiProperty(CELL) links!: number | 'suppressed';
  @ApiProperty(CELL) notified!: number | 'suppressed';
  @ApiProperty(CELL) denied!: number | 'suppressed';
}

export class LinkOverviewDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ example: 5 }) smallCountThreshold!: number;
  @ApiProperty({ type: [AgencyPairLinksDto] }) pairs!: readonly AgencyPairLinksDto[];
  @ApiProperty({ type: [KindLinksDto] }) byKind!: readonly KindLinksDto[];
  @ApiProperty({ type: LinkTotalsDto }) totals!: LinkTotalsDto;
  @ApiProperty({ type: LinkGraphDto }) graph!: LinkGraphDto;
}

export class ConsentRequestDto {
  @ApiProperty() requestId!: string;
  @ApiProperty({
    enum: ['ORIGINAL', 'REQUESTER'],
    description: 'ORIGINAL: asked of your agency; REQUESTER: about your held message',
  })
  role!: string;
  @ApiProperty() heldMessageId!: string;
  @ApiProperty({ example: 'de-bka' }) requesterAgency!: string;
  @ApiProperty() originalMessageId!: string;
  @ApiProperty({ example: 'nl-knp' }) originalAgency!: string;
  @ApiProperty({ type: [String], example: ['fr-ocrteh'] }) recipients!: readonly string[];
  @ApiProperty({ enum: ['PENDING', 'GRANTED', 'REFUSED'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) answeredAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'nl-knp/quinn' })
  answeredBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) reason!: string | null;
  @ApiProperty({
    type: 'string',
    enum: ['DUE', 'QUEUED', 'NOTHING'],
    nullable: true,
    description:
      'A grant releases the held message: DUE until Kafka takes the release (the hub keeps sending it), QUEUED once taken, NOTHING when the held content was no longer kept; null while pending or refused',
  })
  release!: string | null;
  @ApiProperty({ example: 'builtin:onward-without-consent' }) rule!: string;
}

export class ConsentRequestsDto {
  @ApiProperty({ type: [ConsentRequestDto] }) requests!: readonly ConsentRequestDto[];
}

export class ConsentAnswerDto {
  @ApiPropertyOptional({ description: 'Required to refuse; the requester reads it' })
  reason?: string;
}
