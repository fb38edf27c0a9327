/**
 * The gateway's HTTP server with its slow-client cut-offs. Node checks
 * `requestTimeout` and `headersTimeout` only on its connection-check tick
 * (`connectionsCheckingInterval`, 30 s by default), so a server that only sets
 * the two timeouts cuts a 15 s request at ~30 s. Nest's Express adapter creates
 * the server without options; this one creates it with all three, so a slow
 * request is cut within a tenth of the configured time (at most a second) after it.
 */
import * as http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';

export interface RequestTimeouts {
  /** Whole request (headers and body) must have arrived within this. */
  readonly requestTimeoutMs: number;
  /** Headers must have arrived within this (never more than the request timeout). */
  readonly headersTimeoutMs: number;
  /** How often Node looks for connections past either deadline. */
  readonly checkIntervalMs: number;
}

/** Headers get 10 s, or the whole request timeout if that is shorter. */
const HEADERS_TIMEOUT_MS = 10_000;

export function requestTimeoutsFor(requestTimeoutMs: number): RequestTimeouts {
  return {
    requestTimeoutMs,
    headersTimeoutMs: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
    checkIntervalMs: Math.max(10, Math.min(1000, Math.floor(requestTimeoutMs / 10))),
  };
}

export class TimedExpressAdapter extends ExpressAdapter {
  constructor(private readonly timeouts: RequestTimeouts) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions !== undefined || options.forceCloseConnections === true) {
      throw new Error('TimedExpressAdapter serves plain HTTP without forceCloseConnections');
    }
    this.setHttpServer(
      http.createServer(
        {
          requestTimeout: this.timeouts.requestTimeoutMs,
          headersTimeout: this.timeouts.headersTimeoutMs,
          connectionsCheckingInterval: this.timeouts.checkIntervalMs,
        },
        this.getInstance(),
      ),
    );
  }
}
