/**
 * Structured JSON logs (pino). Each log line carries the app name and, inside a
 * request or a consumed record, its correlation id (kept in AsyncLocalStorage).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';

const correlation = new AsyncLocalStorage<string>();

export function withCorrelationId<T>(id: string | undefined, fn: () => T): T {
  return correlation.run(id && id.length <= 128 ? id : randomUUID(), fn);
}

export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

export function createLogger(app: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: app,
    level,
    base: { app, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const id = correlation.getStore();
      return id ? { correlationId: id } : {};
    },
    redact: {
      paths: ['authorization', 'req.headers.authorization', '*.privateJwk', '*.d'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
