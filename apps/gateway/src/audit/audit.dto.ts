/** The audit API's answer shapes, for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const HEX_EXAMPLE = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const COUNT_OR_SUPPRESSED = {
  oneOf: [{ type: 'integer' }, { type: 'string', enum: ['<5'] }],
  description: 'A count; 1 to 4 across agencies is shown as "<5"',
};
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

class PartyDto {
  @ApiProperty({ example: 'nl-knp' }) agency!: string;
  @ApiProperty({ example: 'NL' }) jurisdiction!: string;
}

class WithheldDto {
  @ApiProperty({ example: 'subjects[0].identity' }) path!: string;
  @ApiProperty({ example: 'NL-EU-01' }) ruleId!: string;
}

export class LedgerRecordDto {
  @ApiProperty({ example: 42 }) seq!: number;
  @ApiProperty({ example: HEX_EXAMPLE }) leafHash!: string;
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ enum: ['ALERT', 'CASE_NOTICE'] }) kind!: string;
  @ApiProperty({ example: 'VICTIM_AT_RISK' }) messageType!: string;
  @ApiProperty({ type: 'string', nullable: true }) caseRef!: string | null;
  @ApiProperty({
    type: 'string',
    enum: ['sent', 'received'],
    nullable: true,
    description: 'Seen from your agency; null for oversight',
  })
  direction!: string | null;
  @ApiProperty({ type: PartyDto }) originator!: PartyDto;
  @ApiProperty({ type: PartyDto }) recipient!: PartyDto;
  @ApiProperty({ enum: ['FULL', 'REDACTED', 'DENIED'] }) decision!: string;
  @ApiProperty({ type: [String], example: ['NL-EU-01'] }) rules!: readonly string[];
  @ApiProperty({ type: [String] }) disclosedPaths!: readonly string[];
  @ApiProperty({ type: [WithheldDto] }) withheld!: readonly WithheldDto[];
  @ApiProperty({
    example: 'sha256:3f1c9e0b7d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6',
  })
  policyVersion!: string;
  @ApiProperty({ type: 'string', nullable: true }) presentationDigest!: string | null;
  @ApiProperty() custodial!: boolean;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty(nullableTime) recordedAt!: string | null;
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description:
      'A release: the onward consent request under which the held message was delivered (its leaf is v2)',
  })
  releaseOf!: string | null;
}

export class LedgerRecordPageDto {
  @ApiProperty({ type: [LedgerRecordDto] }) records!: readonly LedgerRecordDto[];
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as cursor for the next page; null: no more',
  })
  nextCursor!: string | null;
  @ApiProperty({
    type: 'integer',
    example: 1342,
    description: 'How many records the search matches in all pages',
  })
  total!: number;
}

export class RefusalDto {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['gateway', 'worker', 'case'] }) stage!: string;
  @ApiProperty({ description: 'True: a window of refusals counted together' }) aggregate!: boolean;
  @ApiProperty() count!: number;
  @ApiProperty({ example: 'nl-knp' }) agency!: string;
  @ApiProperty({ enum: ['verified', 'claimed', 'unknown'] }) attribution!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'auth.token-expired' })
  reasonCode!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    description: 'An aggregate: count by reason',
  })
  reasonCodes!: Readonly<Record<string, number>> | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 401 }) status!: number | null;
  @ApiProperty({ type: 'string', nullable: true }) keyId!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) messageKeyId!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) messageId!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) correlationId!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) source!: string | null;
  @ApiProperty(nullableTime) refusedAt!: string | null;
  @ApiProperty(nullableTime) windowStart!: string | null;
  @ApiProperty(nullableTime) windowEnd!: string | null;
}

export class RefusalPageDto {
  @ApiProperty({ type: [RefusalDto], description: 'In the order asked: oldest first by default' })
  refusals!: readonly RefusalDto[];
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as cursor for the next page; null: no more',
  })
  nextCursor!: string | null;
  @ApiProperty({ type: 'integer', example: 57, description: 'How many refusals match in all' })
  total!: number;
}

export class ContentViewDto {
  @ApiProperty() available!: boolean;
  @ApiPropertyOptional({ example: 'erased: the retention period ended' }) reason?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The message claims as disclosed',
  })
  claims?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Fields not disclosed here' }) hiddenFields?: number;
}

export class LedgerRecordDetailDto {
  @ApiProperty({ type: LedgerRecordDto }) record!: LedgerRecordDto;
  @ApiProperty({ type: ContentViewDto, description: 'What the originator sent' })
  sent!: ContentViewDto;
  @ApiProperty({ type: ContentViewDto, description: 'What the recipient received' })
  received!: ContentViewDto;
  @ApiPropertyOptional({ type: [WithheldDto], description: 'Not for oversight' })
  withheld?: readonly WithheldDto[];
}

export class CheckpointDto {
  @ApiProperty({ example: 1200 }) treeSize!: number;
  @ApiProperty({ example: HEX_EXAMPLE }) rootHash!: string;
  @ApiProperty({ description: "The hub's signed checkpoint, compact JWS" }) jws!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
}

export class CheckpointListDto {
  @ApiProperty({ type: [CheckpointDto], description: 'Largest first' })
  checkpoints!: readonly CheckpointDto[];
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as before for the next page; null: no more',
  })
  nextCursor!: string | null;
  @ApiProperty({ type: 'integer', example: 17280, description: 'How many checkpoints in all' })
  total!: number;
}

export class InclusionProofDto {
  @ApiProperty() seq!: number;
  @ApiProperty() leafIndex!: number;
  @ApiProperty({ example: HEX_EXAMPLE }) leafHash!: string;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ example: HEX_EXAMPLE }) rootHash!: string;
  @ApiProperty({ type: CheckpointDto }) checkpoint!: CheckpointDto;
  @ApiProperty({ type: [String], description: 'RFC 6962 audit path, hex' }) proof!: string[];
}

export class ConsistencyProofDto {
  @ApiProperty({ type: CheckpointDto }) from!: CheckpointDto;
  @ApiProperty({ type: CheckpointDto }) to!: CheckpointDto;
  @ApiProperty({ type: [String], description: 'RFC 6962 consistency proof, hex' })
  proof!: string[];
}

class TreeHeadDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty({ example: HEX_EXAMPLE }) rootHash!: string;
}

export class LedgerVerificationDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ enum: ['verified', 'broken'] }) status!: string;
  @ApiProperty({ description: 'Rows recomputed' }) rows!: number;
  @ApiProperty({ example: HEX_EXAMPLE }) rootHash!: string;
  @ApiProperty({ type: TreeHeadDto, nullable: true }) latestCheckpoint!: TreeHeadDto | null;
  @ApiProperty() checkpointsChecked!: number;
  @ApiProperty({ type: [Number], description: 'Tree sizes whose signature failed' })
  badCheckpointSignatures!: number[];
  @ApiProperty() uncheckpointedRows!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'At most 100: leaf-mismatch, seq-gap, seq-duplicate, root-mismatch, ...',
  })
  findings!: readonly object[];
  @ApiProperty({ type: [String], description: 'The findings in words (at most 100)' })
  summary!: string[];
}

class SharesPerDayDto {
  @ApiProperty({
    example: '2026-03-14',
    description: 'The UTC day (YYYY-MM-DD), or hour (YYYY-MM-DDTHH:00Z) when bucket is hour',
  })
  day!: string;
  @ApiProperty({ example: 'DE' }) jurisdiction!: string;
  @ApiProperty(COUNT_OR_SUPPRESSED) count!: number | '<5';
}

class DenialsByRuleDto {
  @ApiProperty({ example: 'NL-TH-PAUSE-01' }) rule!: string;
  @ApiProperty(COUNT_OR_SUPPRESSED) count!: number | '<5';
}

/** A count, or "suppressed" (small, or hidden so a total cannot reveal a small one). */
const CELL = {
  oneOf: [{ type: 'integer' }, { type: 'string', enum: ['suppressed'] }],
  description: 'A count, or "suppressed" under the small-count rule (docs/audit.md)',
};

class CasesPerJurisdictionDto {
  @ApiProperty({ example: 'NL' }) jurisdiction!: string;
  @ApiProperty({ description: "Every case counted here was led by the reader's own agency" })
  own!: boolean;
  @ApiProperty(CELL) casesOpened!: number | 'suppressed';
  @ApiProperty(CELL) casesResolved!: number | 'suppressed';
  @ApiProperty(CELL) casesWithVictimReferral!: number | 'suppressed';
  @ApiProperty({ type: 'number', nullable: true }) resolutionRate!: number | null;
  @ApiProperty({ type: 'number', nullable: true }) victimReferralRate!: number | null;
}

class PeriodSummaryDto {
  @ApiProperty({
    ...COUNT_OR_SUPPRESSED,
    description: 'Messages published (by your agency) that the hub decided on',
  })
  messages!: number | '<5';
  @ApiProperty({ ...COUNT_OR_SUPPRESSED, description: 'Deliveries (not denied), sent or received' })
  deliveries!: number | '<5';
  @ApiProperty({ ...COUNT_OR_SUPPRESSED, description: 'Deliveries denied (of your messages)' })
  denials!: number | '<5';
  @ApiProperty({
    ...COUNT_OR_SUPPRESSED,
    description: 'Requests refused and dead letters (naming your agency)',
  })
  refusals!: number | '<5';
  @ApiProperty({
    ...COUNT_OR_SUPPRESSED,
    description: 'Cases open now (that your agency takes part in)',
  })
  openCases!: number | '<5';
  @ApiProperty({ ...COUNT_OR_SUPPRESSED, description: 'Link notices sent (to your agency)' })
  linkNotices!: number | '<5';
}

export class AuditMetricsDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({
    type: 'object',
    properties: { agency: { type: 'string' } },
    required: ['agency'],
    description: "Your agency's figures, or `all` for oversight",
    example: { agency: 'nl-knp' },
  })
  scope!: { agency: string };
  @ApiProperty({ example: 5 }) smallCountThreshold!: number;
  @ApiProperty({ enum: ['hour', 'day'], description: 'What the shares series counts by' })
  bucket!: 'hour' | 'day';
  @ApiProperty({ type: PeriodSummaryDto, description: 'Headline figures of the period' })
  summary!: PeriodSummaryDto;
  @ApiProperty({ type: [SharesPerDayDto] })
  sharesPerCounterpartJurisdictionPerDay!: readonly SharesPerDayDto[];
  @ApiProperty({ type: [DenialsByRuleDto] }) denialsByRule!: readonly DenialsByRuleDto[];
  @ApiProperty({ type: [CasesPerJurisdictionDto] })
  casesPerJurisdiction!: readonly CasesPerJurisdictionDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Cases opened in the period: perAgency, totals with rates, responseTimes per counterpart, overdue (docs/cases.md)',
  })
  caseFigures!: object;
}

export class OfficerStatementDto {
  @ApiProperty({ description: 'Position in the statement log' }) seq!: number;
  @ApiProperty({ example: 'nl-knp' }) agencyId!: string;
  @ApiProperty({ example: 'anna' }) officerId!: string;
  @ApiProperty({ example: 'nl-knp-anna-1' }) kid!: string;
  @ApiProperty({ example: 'audit.read' }) act!: string;
  @ApiProperty({ example: 'GET /v1/audit/records' }) subject!: string;
  @ApiProperty() jti!: string;
  @ApiProperty({ description: 'The signed statement, compact JWS' }) jws!: string;
  @ApiProperty() prevHash!: string;
  @ApiProperty({ description: 'Chain hash at this position' }) hash!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class OfficerStatementListDto {
  @ApiProperty({ type: [OfficerStatementDto], description: 'Newest first, at most 500' })
  statements!: readonly OfficerStatementDto[];
}

export class StatementLogReportDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty() rows!: number;
  @ApiProperty({ description: 'Hash of the last row (the genesis hash when empty)' }) head!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  findings!: readonly object[];
  @ApiProperty({ type: [String] }) summary!: readonly string[];
}
