/** Publishing's request and answer shapes, for the OpenAPI document. */
import { ApiProperty } from '@nestjs/swagger';
import type { MediaTypeBody } from '../openapi/api-body-by-media-type';

const MESSAGE_ID_EXAMPLE = '0b6f8f0e-3a51-4c2e-9d7a-2f1e5c8b9a10';

/** The body of POST /v1/alerts or /v1/case-notices, by media type. */
export function publishBody(schema: 'Alert' | 'CaseNotice'): Record<string, MediaTypeBody> {
  return {
    'application/sd+jwt': {
      schema: {
        type: 'string',
        description:
          'The compact SD-JWT you signed: <issuer JWT>~<disclosure>~...~ (docs/integration.md, Publishing)',
      },
      example:
        'eyJhbGciOiJFZERTQSIsInR5cCI6ImxpYWlzb24rc2Qtand0In0.eyJfc2QiOltdfQ.c2ln~WyJzYWx0IiwiaGVhZGxpbmUiLCIuLi4iXQ~',
    },
    'application/json': {
      schema: {
        $ref: `#/components/schemas/${schema}`,
        description: 'Custodial agencies only: the message as JSON, signed by the hub for you',
      },
    },
  };
}

export class SubmissionAcceptedDto {
  @ApiProperty({ format: 'uuid', example: MESSAGE_ID_EXAMPLE })
  messageId!: string;
  @ApiProperty({ enum: ['ACCEPTED', 'DECIDED', 'FAILED'], example: 'ACCEPTED' })
  status!: string;
  @ApiProperty({ example: `/v1/submissions/${MESSAGE_ID_EXAMPLE}` })
  statusUrl!: string;
  @ApiProperty({
    description: 'True when this Idempotency-Key was seen before: the earlier submission',
    example: false,
  })
  replayed!: boolean;
}

class WithheldPathDto {
  @ApiProperty({ example: 'subjects[0].identity' }) path!: string;
  @ApiProperty({ example: 'NL-EU-01' }) ruleId!: string;
}

export class RecipientStatusDto {
  @ApiProperty({ example: 'de-bka' }) agency!: string;
  @ApiProperty({ example: 'DE' }) jurisdiction!: string;
  @ApiProperty({ enum: ['FULL', 'REDACTED', 'DENIED'] }) outcome!: string;
  @ApiProperty({ type: [String], example: ['NL-EU-01'] }) rules!: readonly string[];
  @ApiProperty({ type: [WithheldPathDto] }) withheld!: readonly WithheldPathDto[];
  @ApiProperty({ example: 2 }) withheldCount!: number;
  @ApiProperty({ example: 11 }) disclosedCount!: number;
  @ApiProperty({
    example: 'sha256:3f1c9e0b7d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6',
  })
  policyVersion!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "The delivery's entry id in the recipient's feed; null: nothing delivered (yet)",
    example: '1042',
  })
  deliveryEntryId!: string | null;
}

export class SubmissionStatusDto {
  @ApiProperty({ format: 'uuid', example: MESSAGE_ID_EXAMPLE }) messageId!: string;
  @ApiProperty({ enum: ['ALERT', 'CASE_NOTICE'] }) kind!: string;
  @ApiProperty({ example: 'VICTIM_AT_RISK' }) messageType!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'NL-KNP-2026-0042' })
  caseRef!: string | null;
  @ApiProperty({ description: 'Signed by the hub with your custodial key' }) custodial!: boolean;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ enum: ['ACCEPTED', 'DECIDED', 'FAILED'] }) status!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Recipients by outcome',
    example: { FULL: 1, REDACTED: 5, DENIED: 3 },
  })
  outcomes!: Readonly<Record<string, number>>;
  @ApiProperty({ type: [RecipientStatusDto] }) recipients!: readonly RecipientStatusDto[];
}
