/**
 * The feed's answer shapes, for the OpenAPI document. An entry is a delivery,
 * a link notice, a case clock notice or an onward consent notice (schemas
 * derived from schemas/*.avsc).
 */
import { ApiProperty } from '@nestjs/swagger';

const entry = (member: string, schema: string, description: string) => ({
  type: 'object',
  description,
  required: ['cursor', member],
  properties: {
    cursor: { type: 'string', description: 'This entry id: pass it as `after` to read on' },
    [member]: { $ref: `#/components/schemas/${schema}` },
  },
});

export const FEED_ENTRY_SCHEMA = {
  oneOf: [
    entry('delivery', 'Delivery', 'A message delivered to you, as your agreements allow'),
    entry('linkNotice', 'LinkNotice', 'Another agency holds a selector one of your messages holds'),
    entry('caseClockNotice', 'CaseClockNotice', "A case request's legal clock is near or past"),
    entry(
      'onwardConsentNotice',
      'OnwardConsentNotice',
      'Your consent is asked to pass on what you shared, or your request was answered',
    ),
  ],
};

export class FeedPageDto {
  @ApiProperty({ type: 'array', items: FEED_ENTRY_SCHEMA, description: 'Oldest first' })
  entries!: readonly unknown[];
  @ApiProperty({
    description: 'The cursor to read on from (the last entry id, or `after` when none)',
    example: '1042',
  })
  nextCursor!: string;
}
