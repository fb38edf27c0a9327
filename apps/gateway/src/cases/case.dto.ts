/** The case views' answer shapes (libs/cases case-view.ts), for the OpenAPI document. */
import { ApiProperty } from '@nestjs/swagger';

const MARK = { enum: ['ok', 'approaching', 'overdue'], description: 'How the deadline stands' };
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;

export class CaseSummaryDto {
  @ApiProperty({ example: 'NL-KNP-2026-0042' }) caseRef!: string;
  @ApiProperty({ enum: ['PARTICIPANT', 'INVITED'] }) membership!: string;
  @ApiProperty({ enum: ['NONE', 'OPEN', 'CLOSED'] }) status!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'nl-knp' }) lead!: string | null;
  @ApiProperty({ type: [String], example: ['nl-knp', 'de-bka'] })
  participants!: readonly string[];
  @ApiProperty(nullableTime) openedAt!: string | null;
  @ApiProperty(nullableTime) lastEventAt!: string | null;
  @ApiProperty({ example: 1 }) openRequests!: number;
  @ApiProperty({ description: 'Requests with a deadline approaching', example: 0 })
  approaching!: number;
  @ApiProperty({ description: 'Requests overdue', example: 0 }) overdue!: number;
}

export class CaseListDto {
  @ApiProperty({ type: [CaseSummaryDto], description: 'Most recently changed first' })
  cases!: readonly CaseSummaryDto[];
  @ApiProperty({ description: 'Cases your agency takes part in or is invited to, in all' })
  total!: number;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as cursor for the next page; null after the last',
  })
  nextCursor!: string | null;
}

class ClockViewDto {
  @ApiProperty({ enum: ['RECOGNITION', 'EXECUTION', 'RESPONSE'] }) clock!: string;
  @ApiProperty({ example: 'de-bka' }) agency!: string;
  @ApiProperty({ example: 'DE' }) jurisdiction!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ format: 'date-time' }) approachingAt!: string;
  @ApiProperty(nullableTime) stoppedAt!: string | null;
  @ApiProperty({
    enum: [
      'RUNNING',
      'APPROACHING',
      'OVERDUE',
      'PAUSED',
      'MET',
      'MET_LATE',
      'CLOSED',
      'CLOSED_LATE',
    ],
  })
  status!: string;
  @ApiProperty(MARK) deadline!: string;
}

class LegViewDto {
  @ApiProperty({ example: 'de-bka' }) agency!: string;
  @ApiProperty({ example: 'DE' }) jurisdiction!: string;
  @ApiProperty({
    enum: ['SENT', 'ACKNOWLEDGED', 'ACCEPTED', 'REFUSED', 'ANSWERED_PARTIAL', 'ANSWERED_COMPLETE'],
  })
  status!: string;
  @ApiProperty(nullableTime) acknowledgedAt!: string | null;
  @ApiProperty(nullableTime) decidedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) refusalReason!: string | null;
  @ApiProperty(nullableTime) completedAt!: string | null;
}

class RequestViewDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ enum: ['ASSISTANCE', 'JIT'] }) kind!: string;
  @ApiProperty({ example: 'nl-knp' }) requester!: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    description:
      'The legal instrument: { kind } (EIO, IED_URGENT_DIRECT, ...), BILATERAL with deadlineAt and deadlineWorkingDays',
    additionalProperties: true,
    example: { kind: 'IED_URGENT_DIRECT' },
  })
  instrument!: object | null;
  @ApiProperty({ enum: ['OPEN', 'SUSPENDED', 'CLOSED'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) sentAt!: string;
  @ApiProperty(nullableTime) closedAt!: string | null;
  @ApiProperty(nullableTime) agreedAt!: string | null;
  @ApiProperty({ type: [LegViewDto] }) legs!: readonly LegViewDto[];
  @ApiProperty({ type: [ClockViewDto] }) clocks!: readonly ClockViewDto[];
  @ApiProperty({ ...MARK, description: 'The worst mark of its clocks' }) deadline!: string;
}

class TimelineClockNoticeDto {
  @ApiProperty({ enum: ['DEADLINE_APPROACHING', 'OVERDUE'] }) alert!: string;
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ description: 'The agency whose obligation the clock measures', example: 'de-bka' })
  requestedAgency!: string;
  @ApiProperty({ example: 'RESPONSE' }) clock!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
}

class CaseTimelineEntryDto {
  @ApiProperty({
    enum: ['NOTICE', 'CLOCK'],
    description: 'NOTICE: a case notice in the share ledger; CLOCK: a clock notice the hub raised',
  })
  kind!: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'NOTICE: ledger seq of the first row of it you may see; CLOCK: null',
  })
  seq!: string | null;
  @ApiProperty({ format: 'uuid', description: "The notice's message id, or the clock notice's id" })
  messageId!: string;
  @ApiProperty({ example: 'REQUEST_SENT', description: "The notice's type, or the clock's alert" })
  messageType!: string;
  @ApiProperty({ example: 'nl-knp', description: 'The sender; `hub` for a clock notice' })
  from!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['SENT', 'RECEIVED'] }) direction!: string;
  @ApiProperty({ type: 'string', enum: ['FULL', 'REDACTED'], nullable: true })
  decision!: string | null;
  @ApiProperty({ type: TimelineClockNoticeDto, nullable: true, description: 'CLOCK only' })
  clockNotice!: TimelineClockNoticeDto | null;
}

export class CaseDetailDto {
  @ApiProperty({ example: 'NL-KNP-2026-0042' }) caseRef!: string;
  @ApiProperty({ enum: ['PARTICIPANT', 'INVITED'] }) membership!: string;
  @ApiProperty({ enum: ['NONE', 'OPEN', 'CLOSED'] }) status!: string;
  @ApiProperty({ type: 'string', nullable: true }) lead!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'NL' }) jurisdiction!: string | null;
  @ApiProperty(nullableTime) openedAt!: string | null;
  @ApiProperty(nullableTime) closedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null }) outcome!: string | null;
  @ApiProperty({ type: [String] }) participants!: readonly string[];
  @ApiProperty({ type: [String] }) invited!: readonly string[];
  @ApiProperty({ type: [RequestViewDto] }) requests!: readonly RequestViewDto[];
  @ApiProperty({ format: 'date-time', description: 'When the clocks were read' }) readAt!: string;
  @ApiProperty({ type: [CaseTimelineEntryDto] }) timeline!: readonly CaseTimelineEntryDto[];
}
