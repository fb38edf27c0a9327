/**
 * Shared pieces of the pipeline benchmark: a wall clock with sub-millisecond
 * resolution that agrees across processes, topic names for a namespace (the
 * same shapes as libs/kafka/src/topics.ts, computed for any namespace rather
 * than the one fixed at import time), child-process plumbing and percentiles.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = path.resolve(__dirname, '../../..');
export const REGISTER = path.join(ROOT, 'deploy/runtime/register.js');

/** Milliseconds since the epoch with microsecond resolution, comparable between processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Topic names of one namespace: `<ns>.hub.<name>.v1`, as libs/kafka builds them. */
export function namesFor(namespace: string) {
  const prefix = namespace ? `${namespace}.` : '';
  return {
    submissions: `${prefix}hub.submissions.v1`,
    decisions: `${prefix}hub.decisions.v1`,
    deadLetters: `${prefix}hub.dlq.v1`,
    policies: `${prefix}hub.policies.v1`,
    directory: `${prefix}hub.directory.v1`,
    checkpoints: `${prefix}hub.checkpoints.v1`,
    feed: (agency: string) => `${prefix}hub.feed.${agency}.v1`,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export function summariseLatency(values: number[]): LatencySummary {
  values.sort((a, b) => a - b);
  return {
    samples: values.length,
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
    p999Ms: percentile(values, 99.9),
    maxMs: values[values.length - 1] ?? Number.NaN,
  };
}

// ---------------------------------------------------------------- child processes

export interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly [field: string]: unknown;
}
export interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly result?: unknown;
}

/** A forked bench helper (compiled .js next to this file) answering requests over IPC. */
export class Helper {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  readonly child: ChildProcess;
  readonly output: string[] = [];

  constructor(script: string, env: NodeJS.ProcessEnv = {}, execArgv: string[] = []) {
    this.child = fork(path.join(__dirname, script), [], {
      cwd: ROOT,
      execArgv: ['-r', REGISTER, ...execArgv],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 200) this.output.shift();
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (message: Reply) => {
      const resolve = this.waiting.get(message.id);
      if (!resolve) return;
      this.waiting.delete(message.id);
      resolve(message);
    });
    this.child.on('exit', (code, signal) => {
      for (const [id, resolve] of this.waiting) {
        resolve({ id, ok: false, error: `${script} exited (${code ?? signal})` });
      }
      this.waiting.clear();
    });
  }

  async call<T>(cmd: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, cmd, ...fields });
    });
    if (!reply.ok) {
      throw new Error(`${cmd}: ${reply.error ?? 'failed'}\n${this.output.join('').slice(-2000)}`);
    }
    return reply.result as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(timer);
  }
}

/** The child side: dispatches requests to handlers and replies. */
export function serve(handlers: Record<string, (req: Request) => unknown>): void {
  process.on('message', (req: Request) => {
    const handler = handlers[req.cmd];
    const send = (reply: Reply): void => {
      process.send?.(reply);
    };
    if (!handler) {
      send({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(req))
      .then(
        (result) => send({ id: req.id, ok: true, result }),
        (error: unknown) =>
          send({
            id: req.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

/** Pre-encoded submissions, shared with the helper processes through a file. */
export interface EncodedSubmission {
  readonly key: string;
  readonly value: Buffer;
}

export function writeFrames(items: readonly EncodedSubmission[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const key = Buffer.from(item.key, 'utf8');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(key.length, 0);
    head.writeUInt32BE(item.value.length, 4);
    parts.push(head, key, item.value);
  }
  return Buffer.concat(parts);
}

export function readFrames(buffer: Buffer): EncodedSubmission[] {
  const out: EncodedSubmission[] = [];
  let at = 0;
  while (at < buffer.length) {
    const keyLength = buffer.readUInt32BE(at);
    const valueLength = buffer.readUInt32BE(at + 4);
    at += 8;
    const key = buffer.subarray(at, at + keyLength).toString('utf8');
    at += keyLength;
    out.push({ key, value: buffer.subarray(at, at + valueLength) });
    at += valueLength;
  }
  return out;
}
