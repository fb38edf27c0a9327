/**
 * `npm run bench` (via bench/run.sh): micro-benchmarks, then the pipeline
 * benchmark (hub vs raw kafkajs pass-through), then the report:
 * bench/results/<date>.json, .md and .svg. Environment: KAFKA_BROKERS and
 * DATABASE_URL (set by run.sh from deploy/local/stack.sh). Options:
 *   BENCH_FANOUTS=5,20,200   fan-outs to run
 *   BENCH_SKIP_MICRO=1       pipeline only
 *   BENCH_SKIP_PIPELINE=1    micro-benchmarks only
 *   BENCH_FANOUTS=           no fan-out phase (with BENCH_LOW_LOAD: the low-load phase alone)
 *   BENCH_LOW_LOAD=0         skip the low-load latency phase (2 and 20 messages/s, hub → SSE)
 *   BENCH_PROFILE=0          skip the worker's CPU profile
 *   BENCH_SSE=500            open SSE feeds for the gateway memory figure (0: skip)
 *   BENCH_RESULTS_DIR        where the report goes (default bench/results)
 *   BENCH_AUDIT_PROFILE_DIR  also write CPU profiles of the audit app there
 *   BENCH_SKIP_LINKS=1       skip the links phase (bench/links: corpus recall, query p95)
 *   BENCH_LINK_MESSAGES, BENCH_LINK_PLANTED, BENCH_LINK_INDEX_ROWS, BENCH_LINK_QUERIES
 *                            its corpus size, planted links, index rows and queries
 *   BENCH_CLUSTER=0          skip the cluster phase (bench/cluster: a three-node Kafka
 *                            cluster of its own on 25092-25097, 1, 2 and 4 policy workers)
 *   BENCH_CLUSTER_WORKERS=1,2,4  its worker counts (1 to 4, the partition count); the
 *                            largest is also run half started, half joining mid-drain
 *   BENCH_CLUSTER_MESSAGES=1500  its backlog (submissions at fan-out 20)
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@liaison/persistence';
import type { Measurement, MicroBenchmark } from './harness';
import { clusterOptionsFrom, runCluster, type ClusterResult } from './cluster/cluster-bench';
import { linkBenchOptionsFrom, runLinkBench, type LinkBenchResult } from './links/link-bench';
import { ROOT } from './pipeline/common';
import { runPipeline, type PipelineResult } from './pipeline/pipeline-bench';
import { renderMarkdown } from './report/markdown';
import { renderSvg } from './report/svg';

export interface MicroGroupResult {
  readonly file: string;
  readonly group: string;
  readonly baseline: string;
  readonly measurements: (Measurement & { readonly ratioToBaseline: number })[];
  readonly error?: string;
}

export interface BenchResults {
  readonly date: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: Record<string, unknown>;
  readonly micro: MicroGroupResult[];
  readonly ledger?: unknown;
  readonly pipeline?: PipelineResult | { readonly error: string };
  readonly links?: LinkBenchResult | { readonly error: string };
  readonly cluster?: ClusterResult | { readonly error: string };
}

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

function sh(command: string): string {
  try {
    return execSync(command, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

function machineFacts(): Record<string, unknown> {
  const cpus = os.cpus();
  const pom = readFileSync(path.join(ROOT, 'deploy/local/kafka/pom.xml'), 'utf8');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    kafka: /<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown',
    kafkajs: pkg.dependencies.kafkajs,
    postgres: sh(`psql --version`) || 'see server',
    commit: sh('git rev-parse --short HEAD'),
    dirty: sh('git status --porcelain -- apps libs bench').length > 0,
    loadAverageAtStart: os.loadavg(),
  };
}

async function runMicro(): Promise<MicroGroupResult[]> {
  const dir = path.join(__dirname, 'micro');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.js')) : [];
  const out: MicroGroupResult[] = [];
  for (const file of files.sort()) {
    const mod = (await import(path.join(dir, file))) as { benchmarks?: MicroBenchmark[] };
    for (const b of mod.benchmarks ?? []) {
      log(`micro ${file}: ${b.group}`);
      try {
        const ms = await b.run();
        const base = ms.find((m) => m.name === b.baseline) ?? ms[0];
        out.push({
          file,
          group: b.group,
          baseline: b.baseline,
          measurements: ms.map((m) => ({
            ...m,
            ratioToBaseline: base ? m.nsPerOpMedian / base.nsPerOpMedian : Number.NaN,
          })),
        });
      } catch (error) {
        out.push({
          file,
          group: b.group,
          baseline: b.baseline,
          measurements: [],
          error: (error as Error).message,
        });
      }
    }
  }
  return out;
}

/** bench/micro/ledger.bench.ts, when present, exports runLedgerIngestBenchmark(url, rows). */
async function runLedger(databaseUrl: string, runId: string): Promise<unknown> {
  const file = path.join(__dirname, 'micro/ledger.bench.js');
  if (!existsSync(file)) return undefined;
  const mod = (await import(file)) as {
    runLedgerIngestBenchmark?: (url: string, rows: number) => Promise<unknown>;
  };
  if (!mod.runLedgerIngestBenchmark) return undefined;
  const name = `liaison_bench_${runId}_ledger`;
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await runMigrations(url.toString());
    log('ledger ingest benchmark (20000 rows)...');
    return await mod.runLedgerIngestBenchmark(url.toString(), 20_000);
  } catch (error) {
    log(`ledger ingest benchmark failed: ${(error as Error).stack ?? String(error)}`);
    return { error: (error as Error).message };
  } finally {
    // Not WITH (FORCE): terminating a session some pool still holds would crash
    // the run on that pool's 'error' event; a database left behind is named in the log.
    await admin
      .query(`DROP DATABASE IF EXISTS "${name}"`)
      .catch((error: unknown) => log(`could not drop ${name}: ${String(error)}`));
    await admin.end();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim());
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/liaison';
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`.toLowerCase();
  const date = new Date().toISOString().slice(0, 10);
  const machine = machineFacts();
  log(
    `run ${runId} on ${String(machine.cores)} × ${String(machine.cpuModel)}, Node ${process.version}`,
  );

  const micro = process.env.BENCH_SKIP_MICRO ? [] : await runMicro();
  const ledger = process.env.BENCH_SKIP_MICRO ? undefined : await runLedger(databaseUrl, runId);

  let pipeline: BenchResults['pipeline'];
  if (!process.env.BENCH_SKIP_PIPELINE) {
    const fanOuts = (process.env.BENCH_FANOUTS ?? '5,20,200')
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0 && n <= 200);
    try {
      pipeline = await runPipeline({
        brokers,
        databaseUrl,
        runId,
        fanOuts,
        log,
        profileFanOut:
          process.env.BENCH_PROFILE === '0' ? undefined : fanOuts.includes(20) ? 20 : fanOuts[0],
        gatewaySse: Number(process.env.BENCH_SSE ?? 500),
        lowLoad: process.env.BENCH_LOW_LOAD !== '0',
      });
    } catch (error) {
      log(`pipeline benchmark failed: ${(error as Error).stack ?? String(error)}`);
      pipeline = { error: (error as Error).message };
    }
  }

  let links: BenchResults['links'];
  if (!process.env.BENCH_SKIP_LINKS) {
    try {
      links = await runLinkBench(linkBenchOptionsFrom(process.env, { databaseUrl, runId, log }));
    } catch (error) {
      log(`links benchmark failed: ${(error as Error).stack ?? String(error)}`);
      links = { error: (error as Error).message };
    }
  }

  let cluster: BenchResults['cluster'];
  if (process.env.BENCH_CLUSTER !== '0') {
    try {
      cluster = await runCluster(clusterOptionsFrom(process.env, { databaseUrl, runId, log }));
    } catch (error) {
      log(`cluster benchmark failed: ${(error as Error).stack ?? String(error)}`);
      cluster = { error: (error as Error).message.slice(0, 2000) };
    }
  }

  const results: BenchResults = {
    date,
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    machine: { ...machine, loadAverageAtEnd: os.loadavg() },
    micro,
    ledger,
    pipeline,
    links,
    cluster,
  };
  const outDir = process.env.BENCH_RESULTS_DIR ?? path.join(ROOT, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, date);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.svg`, renderSvg(results));
  writeFileSync(`${base}.md`, renderMarkdown(results, `${date}.svg`));
  log(`wrote ${path.relative(ROOT, base)}.{json,md,svg} in ${results.durationSec} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
