/** The one error shape every refusal has (DomainErrorFilter), for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorBodyDto {
  @ApiProperty({ description: 'Stable machine-readable reason', example: 'policy.self-approval' })
  code!: string;
  @ApiProperty({ example: 'Officer pia wrote policy change … and cannot review it' })
  message!: string;
  @ApiPropertyOptional({ description: 'Correlation id of the request, for support' })
  correlationId?: string;
  @ApiPropertyOptional({
    description: 'A 500 only: the id under which the server logged the fault',
  })
  errorId?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What was refused, e.g. { field } for a malformed input',
    example: { field: 'limit' },
  })
  details?: Record<string, unknown>;
}

export class ErrorResponseDto {
  @ApiProperty({
    type: ErrorBodyDto,
    example: { code: 'feed.bad-limit', message: 'limit must be an integer from 1 to 1000' },
  })
  error!: ErrorBodyDto;
}
