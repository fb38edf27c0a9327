/** Console sessions' request and answer shapes, for the OpenAPI document. */
import { ApiProperty } from '@nestjs/swagger';
import { StatementReceiptDto } from '../policy/policy.dto';

const STATEMENT_EXAMPLE =
  'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiIsInR5cCI6ImxpYWlzb24tc3RhdGVtZW50K2p3cyJ9.eyJhY3QiOiJhdWRpdC5yZWFkIn0.c2ln';

export class SessionOpenedDto {
  @ApiProperty({
    description: 'The bearer token of the session (30 minutes)',
    example: 'lsess_Q2hhbmdlIG1lOiBhIHJhbmRvbSB0b2tlbg',
  })
  sessionToken!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ example: 'nl-knp' }) agencyId!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'anna' }) officerId!: string | null;
  @ApiProperty({ type: [String], example: ['liaison'] }) roles!: readonly string[];
}

export class JustificationRequestDto {
  @ApiProperty({
    description: "Your audit.read statement for this session (compact JWS): 'liaison justify'",
    example: STATEMENT_EXAMPLE,
  })
  statement!: string;
}

export class JustificationAttachedDto {
  @ApiProperty({ description: 'The justification text you signed', example: 'demo review' })
  justification!: string;
  @ApiProperty({ type: StatementReceiptDto }) statement!: StatementReceiptDto;
}
