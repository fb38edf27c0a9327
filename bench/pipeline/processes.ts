/**
 * The hub's real apps as child processes for the bench (compiled, from dist/),
 * with Prometheus scraping of their /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REGISTER, ROOT, sleep } from './common';

export interface AppProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: string[];
}

export function startNodeApp(
  script: string,
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): AppProcess {
  const child = spawn(process.execPath, [...nodeArgs, '-r', REGISTER, path.join(ROOT, script)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HUB_KEYS_DIR: path.join(ROOT, '.local/hub-keys'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 300) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, port, output };
}

export async function waitReady(app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) break;
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/health/ready`);
      if (res.status === 200) return;
      last = `${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(
    `app on port ${app.port} not ready (${last}, exit ${app.child.exitCode}):\n${app.output.join('').slice(-3000)}`,
  );
}

export async function stopApp(app: AppProcess | undefined, timeoutMs = 15_000): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => app.child.once('exit', () => r()));
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export interface MetricSample {
  readonly at: number;
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** V8's heap (reserved and in use) and memory outside it (Buffers), from prom-client's defaults. */
  readonly heapTotalBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly processed: number;
  /** Committed transactions (slices) and the sums of their phases' seconds. */
  readonly slices: number;
  readonly transformSeconds: number;
  readonly commitSeconds: number;
  readonly replayCheckSeconds: number;
  readonly waitSeconds: number;
  readonly produceSeconds: number;
  readonly offsetsSeconds: number;
  readonly endSeconds: number;
}

/** Sums every series of a metric family in Prometheus text format. */
export function metricValue(text: string, name: string): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      total += value;
      found = true;
    }
  }
  return found ? total : Number.NaN;
}

/** An app's /metrics, as Prometheus text. */
export async function metricsText(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/** Observations of a histogram between two scrapes of one process, and their mean in ms. */
export function histogramBetween(
  before: string,
  after: string,
  name: string,
): { readonly count: number; readonly meanMs: number } {
  const delta = (suffix: string): number =>
    (metricValue(after, `${name}_${suffix}`) || 0) -
    (metricValue(before, `${name}_${suffix}`) || 0);
  const count = delta('count');
  return { count, meanMs: count > 0 ? (delta('sum') * 1000) / count : Number.NaN };
}

export async function scrape(port: number): Promise<MetricSample> {
  const text = await metricsText(port);
  return {
    at: Date.now(),
    cpuSeconds: metricValue(text, 'process_cpu_seconds_total'),
    rssBytes: metricValue(text, 'process_resident_memory_bytes'),
    heapTotalBytes: metricValue(text, 'nodejs_heap_size_total_bytes'),
    heapUsedBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
    externalBytes: metricValue(text, 'nodejs_external_memory_bytes'),
    processed: metricValue(text, 'liaison_submissions_processed_total') || 0,
    slices: metricValue(text, 'liaison_transactions_committed_total') || 0,
    transformSeconds: metricValue(text, 'liaison_slice_transform_seconds_sum') || 0,
    commitSeconds: metricValue(text, 'liaison_slice_commit_seconds_sum') || 0,
    replayCheckSeconds: metricValue(text, 'liaison_replay_check_seconds_sum') || 0,
    waitSeconds: metricValue(text, 'liaison_slice_wait_seconds_sum') || 0,
    produceSeconds: metricValue(text, 'liaison_slice_produce_seconds_sum') || 0,
    offsetsSeconds: metricValue(text, 'liaison_slice_offsets_seconds_sum') || 0,
    endSeconds: metricValue(text, 'liaison_slice_end_seconds_sum') || 0,
  };
}

/** Scrapes every `everyMs` until stopped. */
export class Scraper {
  readonly samples: MetricSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(port: number, everyMs = 250) {
    this.loop = (async () => {
      while (this.running) {
        try {
          this.samples.push(await scrape(port));
        } catch {
          // not listening yet, or stopping
        }
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<MetricSample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }
}

/** Resident set size of a process from /proc (Linux), in bytes. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The worker's slices between two scrapes: how many, how large, and their phases' means. */
export interface SliceProfile {
  readonly slices: number;
  readonly submissionsPerSlice: number;
  readonly transformMs: number;
  readonly replayCheckMs: number;
  readonly commitMs: number;
  /** Mean wait of a slice's submissions before it began (send, fetch, earlier slices). */
  readonly waitMs: number;
  /** Of commitMs: produce calls, offsets sent to the transaction, EndTxn. */
  readonly produceMs: number;
  readonly offsetsMs: number;
  readonly endMs: number;
}

export function sliceProfile(samples: readonly MetricSample[]): SliceProfile | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return undefined;
  const slices = last.slices - first.slices;
  if (!(slices > 0)) return undefined;
  const perSliceMs = (seconds: number): number => (seconds * 1000) / slices;
  return {
    slices,
    submissionsPerSlice: (last.processed - first.processed) / slices,
    transformMs: perSliceMs(last.transformSeconds - first.transformSeconds),
    replayCheckMs: perSliceMs(last.replayCheckSeconds - first.replayCheckSeconds),
    commitMs: perSliceMs(last.commitSeconds - first.commitSeconds),
    waitMs: perSliceMs(last.waitSeconds - first.waitSeconds),
    produceMs: perSliceMs(last.produceSeconds - first.produceSeconds),
    offsetsMs: perSliceMs(last.offsetsSeconds - first.offsetsSeconds),
    endMs: perSliceMs(last.endSeconds - first.endSeconds),
  };
}
