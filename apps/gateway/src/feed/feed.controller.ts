/** GET /v1/feed (cursor pages) and GET /v1/feed/stream (Server-Sent Events). Own feed only. */
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';
import { FeedPageDto } from './feed.dto';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { FEED_SERVICE } from '../tokens';
import { parseCursor, parseLimit, type FeedEntry, type FeedService } from './feed.service';

/** One feed entry as a Server-Sent Event: its cursor as the id, its kind as the event. */
function sseEventOf(entry: FeedEntry): string {
  const [event, data] =
    'delivery' in entry
      ? ['delivery', entry.delivery]
      : 'linkNotice' in entry
        ? ['link-notice', entry.linkNotice]
        : 'caseClockNotice' in entry
          ? ['case-clock-notice', entry.caseClockNotice]
          : ['onward-consent-notice', entry.onwardConsentNotice];
  return `id: ${entry.cursor}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const AFTER = {
  name: 'after',
  required: false,
  description: 'cursor: the last entry id you saw (0 = from the start)',
  schema: { type: 'string', pattern: '^[0-9]+$', default: '0' },
} as const;

@ApiTags('feed')
@ApiBearerAuth()
@Controller('v1/feed')
export class FeedController {
  constructor(@Inject(FEED_SERVICE) private readonly feed: FeedService) {}

  @Get()
  @Roles('subscriber')
  @ApiOperation({
    summary:
      "Your agency's deliveries, link notices and case clock notices after a cursor (oldest first)",
  })
  @ApiQuery(AFTER)
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  @ApiOkResponse({ type: FeedPageDto })
  page(
    @Req() req: AuthenticatedRequest,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): Promise<FeedPageDto> {
    return this.feed.page(req.auth.agencyId, parseCursor(after), parseLimit(limit));
  }

  @Get('stream')
  @Roles('subscriber')
  @ApiOperation({
    summary: 'Live feed as Server-Sent Events; resumes from Last-Event-ID',
    description:
      'Each entry is one event: `id` its cursor, `event` one of `delivery`, `link-notice`, ' +
      '`case-clock-notice`, `onward-consent-notice`, `data` the entry as JSON (Delivery, ' +
      'LinkNotice, CaseClockNotice, OnwardConsentNotice). ' +
      'A comment line every 15 s keeps the connection open.',
  })
  @ApiQuery(AFTER)
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received (a reconnecting EventSource sends it)',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'The event stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: "Your agency's open streams are at their cap (feed.too-many-streams)",
  })
  async stream(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Query('after') after?: string,
  ): Promise<void> {
    const agencyId = req.auth.agencyId;
    const lastEventId = req.headers['last-event-id'];
    let cursor =
      lastEventId === undefined ? parseCursor(after) : parseCursor(lastEventId, 'Last-Event-ID');
    let closed = false;
    let draining = false;
    let again = false;
    /** When the earliest NOTIFY not yet drained arrived (performance.now()). */
    let notifiedAt: number | undefined;
    const timings = this.feed.timings;
    const drain = async (woken?: number): Promise<void> => {
      if (closed) return;
      if (woken !== undefined) notifiedAt = Math.min(notifiedAt ?? woken, woken);
      if (draining) {
        again = true;
        return;
      }
      draining = true;
      try {
        do {
          again = false;
          const since = notifiedAt;
          notifiedAt = undefined;
          let written = 0;
          for (;;) {
            const queried = performance.now();
            const page = await this.feed.page(agencyId, cursor, 200);
            timings?.observePage((performance.now() - queried) / 1000);
            for (const entry of page.entries) {
              res.write(sseEventOf(entry));
            }
            written += page.entries.length;
            cursor = page.nextCursor;
            if (page.entries.length < 200 || closed) break;
          }
          if (since !== undefined && written > 0)
            timings?.observeWake((performance.now() - since) / 1000);
        } while (again && !closed);
      } catch {
        // The database hiccuped: the next wake-up or poll retries from the same cursor.
      } finally {
        draining = false;
      }
    };
    // Taken before any byte is written, so a refusal is an ordinary 429; given
    // back when the response closes (the client went away or the server stops).
    const release = this.feed.openStream(agencyId, (woken) => void drain(woken));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15000);
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      release();
    });
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    await drain();
  }
}
