/** The one error shape every refusal has (DomainErrorFilter), for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorBodyDto {
  @ApiProperty({ description: 'Stable machine-readable reason', example: 'policy.self-approval' })
  code!: string;
  @ApiProperty({ example: 'Officer pia wrote policy change … and cannot review it' })
  message!: string;
  @ApiPropertyOptional({ description: 'Correlation id of the request, for support' })
  correlationId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;
}

export class ErrorResponseDto {
  @ApiProperty({ type: ErrorBodyDto })
  error!: ErrorBodyDto;
}
