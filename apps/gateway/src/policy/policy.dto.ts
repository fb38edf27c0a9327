/**
 * The policy endpoints' request and response shapes, for the OpenAPI document.
 * Validation stays with the strict parsers (parsePolicyDocument, the statement
 * checks): these classes describe, they do not validate.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const VERSION_EXAMPLE = 'sha256:3f1c9e0b7d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
const CHANGE_ID_EXAMPLE = '6c1f3a52-2b7e-4d0a-9a3e-1f5b7c9d2e40';
const STATEMENT_EXAMPLE =
  'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiIsInR5cCI6ImxpYWlzb24tc3RhdGVtZW50K2p3cyJ9.eyJhY3QiOiJwb2xpY3kuYXBwcm92ZSJ9.c2ln';

const POLICY_DOCUMENT_SCHEMA = {
  type: 'object',
  description:
    'A policy document: { jurisdiction, outbound: [rules], links?: [rules] } (docs/policy.md)',
  additionalProperties: true,
  example: { jurisdiction: 'NL', outbound: [], links: [] },
} as const;

export class StatementReceiptDto {
  @ApiProperty({ description: 'Position in the officer statement log', example: 42 })
  seq!: number;
  @ApiProperty({ description: 'Chain hash at that position', example: 'a3f1…' })
  hash!: string;
}

export class DryRunRequestDto {
  @ApiProperty({ enum: ['ALERT', 'CASE_NOTICE'], example: 'ALERT' })
  kind!: 'ALERT' | 'CASE_NOTICE';
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The draft message as JSON (an Alert or CaseNotice, unsigned), of your agency',
  })
  message!: Record<string, unknown>;
  @ApiPropertyOptional({
    ...POLICY_DOCUMENT_SCHEMA,
    description: 'Compare against this draft policy document',
  })
  draftPolicy?: Record<string, unknown>;
}

export class PolicyDraftRequestDto {
  @ApiProperty(POLICY_DOCUMENT_SCHEMA)
  document!: Record<string, unknown>;
  @ApiProperty({
    description:
      'Your policy.draft statement on policy:<J> with claims.documentDigest (compact JWS)',
    example: STATEMENT_EXAMPLE,
  })
  statement!: string;
}

export class PolicyDraftAnswerDto {
  @ApiProperty({ format: 'uuid', example: CHANGE_ID_EXAMPLE })
  id!: string;
  @ApiProperty({ description: "The document's content hash", example: VERSION_EXAMPLE })
  version!: string;
  @ApiProperty({ enum: ['draft'] })
  status!: 'draft';
  @ApiProperty({ type: StatementReceiptDto })
  statement!: StatementReceiptDto;
}

export class PolicyApproveRequestDto {
  @ApiProperty({
    description: 'Your policy.approve statement on policy-change:<id> with claims.version',
    example: STATEMENT_EXAMPLE,
  })
  statement!: string;
}

export class PolicyRejectRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'pause not agreed with the partner' })
  reason!: string;
  @ApiProperty({
    description:
      'Your policy.reject statement with claims.version and claims.reason (the same reason)',
    example: STATEMENT_EXAMPLE,
  })
  statement!: string;
}

export class PolicyDecisionAnswerDto {
  @ApiProperty({ format: 'uuid', example: CHANGE_ID_EXAMPLE })
  id!: string;
  @ApiProperty({ enum: ['approved', 'rejected'] })
  status!: string;
  @ApiProperty({ example: VERSION_EXAMPLE })
  version!: string;
  @ApiProperty({ type: StatementReceiptDto })
  statement!: StatementReceiptDto;
}

export class PolicyHistoryEntryDto {
  @ApiProperty({ format: 'uuid', example: CHANGE_ID_EXAMPLE })
  id!: string;
  @ApiProperty({ example: 'NL' })
  jurisdiction!: string;
  @ApiProperty({ example: VERSION_EXAMPLE })
  version!: string;
  @ApiProperty({ enum: ['draft', 'approved', 'rejected', 'superseded'] })
  status!: string;
  @ApiProperty({ description: 'agency/officer', example: 'nl-knp/pia' })
  author!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'nl-knp/quinn' })
  approver!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null })
  rejectedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null })
  rejectionReason!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  decidedAt!: string | null;
  @ApiProperty(POLICY_DOCUMENT_SCHEMA)
  document!: Record<string, unknown>;
}

export class WhatIfRequestDto {
  @ApiPropertyOptional({ ...POLICY_DOCUMENT_SCHEMA, description: 'A draft document (or changeId)' })
  draftPolicy?: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'uuid', description: 'A stored draft (or draftPolicy)' })
  changeId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  last?: number;
}

class OutcomeDto {
  @ApiProperty({ enum: ['FULL', 'REDACTED', 'DENIED'] })
  outcome!: string;
  @ApiProperty({ type: [String], example: ['NL-ASEAN-01'] })
  rules!: readonly string[];
}

class SlotDto {
  @ApiProperty() index!: number;
  @ApiProperty({ example: 'vehicles[]' }) path!: string;
}

class WithheldSlotDto extends SlotDto {
  @ApiProperty({ example: 'NL-TH-PAUSE-01' }) ruleId!: string;
}

export class DryRunChangeDto {
  @ApiProperty({ example: 'th-dsi' }) recipient!: string;
  @ApiProperty({ type: OutcomeDto, nullable: true }) before!: OutcomeDto | null;
  @ApiProperty({ type: OutcomeDto, nullable: true }) after!: OutcomeDto | null;
  @ApiProperty({ type: [SlotDto] }) newlyDisclosed!: readonly SlotDto[];
  @ApiProperty({ type: [WithheldSlotDto] }) newlyWithheld!: readonly WithheldSlotDto[];
}

class ReplayedMessageDto {
  @ApiProperty({ description: "The message id; '' for another agency's message" })
  messageId!: string;
  @ApiProperty({ example: 'SUSPECT_MOVEMENT' }) messageType!: string;
  @ApiProperty({ type: [DryRunChangeDto] }) changes!: DryRunChangeDto[];
}

class RuleChangeDto {
  @ApiProperty({ enum: ['added', 'removed', 'changed'] }) change!: string;
  @ApiProperty({ enum: ['outbound', 'links'] }) section!: string;
  @ApiProperty({ example: 'NL-TH-PAUSE-01' }) id!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) before?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) after?: Record<
    string,
    unknown
  >;
  @ApiPropertyOptional({ type: [String], description: 'changed only: the members that differ' })
  members?: string[];
}

export class WhatIfAnswerDto {
  @ApiProperty({ example: 'NL' }) jurisdiction!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) changeId!: string | null;
  @ApiProperty({ example: 200 }) last!: number;
  @ApiProperty({ example: VERSION_EXAMPLE }) currentVersion!: string;
  @ApiProperty({ example: VERSION_EXAMPLE }) draftVersion!: string;
  @ApiProperty({ description: 'Messages replayed', example: 200 }) considered!: number;
  @ApiProperty({ description: 'Of those, the messages the draft changes', example: 14 })
  changed!: number;
  @ApiProperty({ description: 'Stored messages that no longer verify', example: 0 })
  unreadable!: number;
  @ApiProperty({ type: [RuleChangeDto] }) rules!: RuleChangeDto[];
  @ApiProperty({ type: [ReplayedMessageDto] }) messages!: ReplayedMessageDto[];
}

class FieldDispositionDto {
  @ApiProperty() index!: number;
  @ApiProperty({ example: 'subjects[0].identity' }) path!: string;
  @ApiProperty() disclosed!: boolean;
  @ApiPropertyOptional({ description: 'Withheld: the rule that withheld it', example: 'NL-EU-01' })
  ruleId?: string;
}

class DryRunRecipientDto {
  @ApiProperty({ example: 'de-bka' }) recipient!: string;
  @ApiProperty({ enum: ['FULL', 'REDACTED', 'DENIED'] }) outcome!: string;
  @ApiProperty({ type: [String], example: ['NL-EU-01'] }) rules!: readonly string[];
  @ApiProperty({ type: [FieldDispositionDto], description: 'Every field, in catalogue order' })
  fields!: readonly FieldDispositionDto[];
}

export class DryRunReportDto {
  @ApiProperty({ example: VERSION_EXAMPLE }) policyVersion!: string;
  @ApiProperty({ type: [String], description: 'The agencies the message names' })
  addressedTo!: readonly string[];
  @ApiProperty({ description: 'A case notice naming agencies reaches only them' })
  addressedOnly!: boolean;
  @ApiProperty({ type: [DryRunRecipientDto] }) recipients!: readonly DryRunRecipientDto[];
}

export class DryRunDiffAnswerDto {
  @ApiProperty({ example: VERSION_EXAMPLE }) currentVersion!: string;
  @ApiProperty({ example: VERSION_EXAMPLE }) draftVersion!: string;
  @ApiProperty({
    type: [DryRunChangeDto],
    description: 'Only the recipients whose outcome, rules or fields differ',
  })
  changes!: readonly DryRunChangeDto[];
  @ApiProperty({ type: DryRunReportDto, description: 'The dry run under the current policy' })
  report!: DryRunReportDto;
}
