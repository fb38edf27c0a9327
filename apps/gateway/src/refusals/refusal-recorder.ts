/**
 * Records every 4xx the gateway answers in the law-enforcement log (the
 * DomainErrorFilter's refusal observer): metadata only, never the request's
 * content. Per agency and window the first entries are listed and the rest
 * counted into one aggregate (RefusalWindows), so a flood cannot fill the disk.
 * Writes are batched off the request path; a write that fails is logged with
 * the same metadata, so the trace survives in the log stream.
 */
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Counter } from 'prom-client';
import { currentCorrelationId, type Logger } from '@liaison/observability';
import {
  appendLeLog,
  refusalAggregateEntry,
  refusalDetails,
  refusalLogEntry,
  unattributedRefusal,
  type LeLogEntry,
  type Refusal,
} from '@liaison/persistence';
import type { ClientErrorAnswer } from '@liaison/runtime';
import { refusalOfRequest } from './request-refusal';
import { RefusalWindows } from './refusal-windows';

const MAX_PENDING = 10_000;
const BATCH = 500;

export interface RefusalRecorderDeps {
  readonly ds: DataSource;
  readonly log: Logger;
  /** The registered agency ids (a claimed id that is not one counts as unknown). */
  readonly agencies: () => Promise<Iterable<string>>;
  readonly limitPerWindow: number;
  readonly windowMs: number;
  readonly refusals?: Counter<string>;
  readonly now?: () => number;
}

export class RefusalRecorder {
  private readonly windows: RefusalWindows;
  private pending: LeLogEntry[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private registered: ReadonlySet<string> = new Set();

  constructor(private readonly deps: RefusalRecorderDeps) {
    this.windows = new RefusalWindows(deps.limitPerWindow, deps.windowMs);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The DomainErrorFilter's observer: synchronous, never throws to the caller. */
  readonly observe = (req: Request, answer: ClientErrorAnswer): void => {
    const now = this.now();
    const refusal = refusalOfRequest(
      req,
      answer,
      currentCorrelationId(),
      (id) => this.registered.has(id),
      new Date(now),
    );
    this.admit(refusal, now);
  };

  private admit(refusal: Refusal, now: number): void {
    const details = refusalDetails(refusal);
    this.deps.refusals?.inc({ reason: details.reasonCode });
    const admission = this.windows.admit(
      details.attribution === 'unknown' ? null : details.agency,
      details.attribution,
      details.reasonCode,
      now,
    );
    if (admission === 'listed') {
      this.deps.log.info({ refusal: details }, 'request refused');
      this.enqueue([refusalLogEntry(refusal)]);
    }
  }

  /**
   * A refusal of the HTTP server itself (a request past its deadline, headers
   * too large, not HTTP): no request object exists, so nothing is attributed.
   */
  readonly observeConnection = (answer: ClientErrorAnswer): void => {
    const now = this.now();
    this.admit(
      unattributedRefusal({
        stage: 'gateway',
        reasonCode: answer.code,
        status: answer.status,
        source: 'connection',
        refusedAt: new Date(now).toISOString(),
      }),
      now,
    );
  };

  /** Loads the registered agencies; starts the timer that writes ended windows' aggregates. */
  async start(
    sweepMs = Math.min(5000, Math.max(100, Math.floor(this.deps.windowMs / 4))),
  ): Promise<void> {
    await this.refreshAgencies();
    this.timer = setInterval(() => {
      this.sweep(false);
      void this.refreshAgencies();
    }, sweepMs);
    this.timer.unref();
  }

  private async refreshAgencies(): Promise<void> {
    try {
      this.registered = new Set(await this.deps.agencies());
    } catch (error) {
      this.deps.log.warn({ err: error }, 'agency list for refusal attribution not refreshed');
    }
  }

  private sweep(everything: boolean): void {
    const aggregates = this.windows.close(this.now(), everything);
    if (aggregates.length === 0) return;
    const entries = aggregates.map(refusalAggregateEntry);
    for (const e of entries) this.deps.log.warn({ refusal: e.details }, 'refusals counted');
    this.enqueue(entries);
  }

  private enqueue(entries: readonly LeLogEntry[]): void {
    if (this.pending.length + entries.length > MAX_PENDING) {
      this.deps.log.error(
        { refusals: entries.map((e) => e.details) },
        'refusal log backlog full: entries kept in this log only',
      );
      return;
    }
    this.pending.push(...entries);
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      try {
        await appendLeLog(this.deps.ds, batch);
      } catch (error) {
        this.deps.log.error(
          { err: error, refusals: batch.map((e) => e.details) },
          'refusals not written to the law-enforcement log',
        );
      }
    }
  }

  /** Writes every open window's aggregate and waits for pending writes. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.sweep(true);
    while (this.flushing) await this.flushing;
  }
}
