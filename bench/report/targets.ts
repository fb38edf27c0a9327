/**
 * The targets of issue #8, judged against one run's figures. Every verdict is
 * PASS, MISS or NOT MEASURED (when the figure is absent from the run).
 */
import { LOW_LOAD_TARGET } from '../pipeline/low-load';
import type { BenchResults } from '../run-all';
import type { FanOutResult, PipelineResult } from '../pipeline/pipeline-bench';

export type Verdict = 'PASS' | 'MISS' | 'NOT MEASURED';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

const MB = 1024 * 1024;

export function pipelineOf(results: BenchResults): PipelineResult | undefined {
  const p = results.pipeline;
  return p && 'fanOuts' in p ? p : undefined;
}

export function fanOut(results: BenchResults, f: number): FanOutResult | undefined {
  return pipelineOf(results)?.fanOuts.find((x) => x.fanOut === f);
}

export const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

const verdict = (measured: boolean | undefined): Verdict =>
  measured === undefined ? 'NOT MEASURED' : measured ? 'PASS' : 'MISS';

/** Looks for a ledger-vs-COPY ratio in whatever runLedgerIngestBenchmark returned. */
export function ledgerRatio(ledger: unknown): number | undefined {
  if (!ledger || typeof ledger !== 'object') return undefined;
  const o = ledger as Record<string, unknown>;
  for (const key of ['ratioToCopy', 'ratio', 'ratioVsCopy', 'ledgerOverCopy']) {
    if (typeof o[key] === 'number') return o[key];
  }
  const rate = (v: unknown): number | undefined => {
    if (!v || typeof v !== 'object') return typeof v === 'number' ? v : undefined;
    const r = v as Record<string, unknown>;
    for (const k of ['rowsPerSec', 'opsPerSec', 'perSec'])
      if (typeof r[k] === 'number') return r[k];
    return undefined;
  };
  const ledgerRate = rate(o.ledger ?? o.merkle ?? o.hub);
  const copyRate = rate(o.copy ?? o.rawCopy ?? o.baseline);
  return ledgerRate !== undefined && copyRate !== undefined ? ledgerRate / copyRate : undefined;
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const pipeline = pipelineOf(results);
  const throughputRatio = (f: number, min: number): void => {
    const r = fanOut(results, f);
    const x = r ? ratio(r.hub.deliveriesPerSec, r.baselineTx.deliveriesPerSec) : undefined;
    checks.push({
      target: `F=${f}: hub deliveries/s ÷ pass-through (tx) ≥ ${min}`,
      measured: x === undefined ? '—' : `${x.toFixed(2)}`,
      verdict: verdict(x === undefined ? undefined : x >= min),
    });
  };
  throughputRatio(5, 0.5);
  throughputRatio(20, 0.8);
  const f5 = fanOut(results, 5);
  checks.push({
    target: 'F=5: ≥ 3,000 alerts/s end to end',
    measured: f5 ? `${Math.round(f5.hub.messagesPerSec)} alerts/s` : '—',
    verdict: verdict(f5 ? f5.hub.messagesPerSec >= 3000 : undefined),
  });
  for (const r of pipeline?.fanOuts ?? []) {
    const c = r.hubCpu;
    checks.push({
      target: `F=${r.fanOut}: CPU/message beyond one signature verification ≤ 50 + 2×F = ${c.targetUs} µs`,
      measured: `${c.cpuUsPerMessageBeyondVerify.toFixed(0)} µs (${c.cpuUsPerMessage.toFixed(0)} − ${pipeline?.verifyEd25519Us.toFixed(0)} verify)`,
      verdict: verdict(
        Number.isFinite(c.cpuUsPerMessageBeyondVerify)
          ? c.cpuUsPerMessageBeyondVerify <= c.targetUs
          : undefined,
      ),
    });
  }
  // The same target for the worker's transform alone (no Kafka client, which the
  // pass-through pays as well): bench/micro/worker-transform.bench.ts.
  for (const g of results.micro) {
    const f = /^Worker transform per message, F=(\d+)$/.exec(g.group)?.[1];
    if (f === undefined) continue;
    const transform = g.measurements.find((m) => m.name.startsWith('transform'));
    const verify = g.measurements.find((m) => m.name.startsWith('verify only'));
    const target = 50 + 2 * Number(f);
    const beyond =
      transform && verify ? (transform.nsPerOpMedian - verify.nsPerOpMedian) / 1000 : undefined;
    checks.push({
      target: `F=${f}: transform alone (no Kafka client), CPU/message beyond verification ≤ ${target} µs`,
      measured:
        beyond === undefined || !transform || !verify
          ? (g.error ?? '—')
          : `${beyond.toFixed(0)} µs (${(transform.nsPerOpMedian / 1000).toFixed(0)} − ${(verify.nsPerOpMedian / 1000).toFixed(0)} verify)`,
      verdict: verdict(beyond === undefined ? undefined : beyond <= target),
    });
  }
  for (const r of pipeline?.fanOuts ?? []) {
    const d = r.hubLatency.p99Ms - r.baselineLatency.p99Ms;
    checks.push({
      target: `F=${r.fanOut}: p99 publish→feed at 50% of max ≤ pass-through p99 + 10 ms`,
      measured: `${r.hubLatency.p99Ms.toFixed(1)} ms vs ${r.baselineLatency.p99Ms.toFixed(1)} ms (+${d.toFixed(1)} ms)`,
      verdict: verdict(Number.isFinite(d) ? d <= 10 : undefined),
    });
  }
  const low = pipeline?.lowLoad && 'runs' in pipeline.lowLoad ? pipeline.lowLoad : undefined;
  const atTarget = low?.runs.find((r) => r.perSec === LOW_LOAD_TARGET.perSec);
  if (low) {
    const t = LOW_LOAD_TARGET;
    const sse = atTarget?.hubSse;
    checks.push({
      target: `Low load, ${t.perSec} alerts/s: publish → partner's SSE p50 ≤ ${t.p50Ms} ms, p99 ≤ ${t.p99Ms} ms`,
      measured: sse ? `p50 ${sse.p50Ms.toFixed(1)} ms, p99 ${sse.p99Ms.toFixed(1)} ms` : '—',
      verdict: verdict(sse ? sse.p50Ms <= t.p50Ms && sse.p99Ms <= t.p99Ms : undefined),
    });
    const x = atTarget ? ratio(atTarget.hubSse.p50Ms, atTarget.passThrough.p50Ms) : undefined;
    checks.push({
      target: `Low load, ${t.perSec} alerts/s: hub → SSE p50 ≤ ${t.ofPassThroughP50}× pass-through p50`,
      measured: x === undefined ? '—' : `${x.toFixed(2)}×`,
      verdict: verdict(x === undefined ? undefined : x <= t.ofPassThroughP50),
    });
  }
  const policy = pipeline?.policyDecision;
  checks.push({
    target: 'Policy: ≤ 1 µs per recipient decision',
    measured: policy ? `${policy.perRecipientUs.toFixed(3)} µs` : '—',
    verdict: verdict(policy ? policy.perRecipientUs <= 1 : undefined),
  });
  checks.push({
    target: 'Policy: 200-recipient fan-out decided in ≤ 200 µs',
    measured: policy
      ? `${policy.decideAllUs.toFixed(1)} µs (${policy.recipients} recipients)`
      : '—',
    verdict: verdict(policy && policy.recipients >= 200 ? policy.decideAllUs <= 200 : undefined),
  });
  const lr = ledgerRatio(results.ledger);
  checks.push({
    target: 'Ledger ingest with Merkle hashing ≥ 0.5× raw COPY',
    measured: lr === undefined ? 'bench/micro/ledger.bench.ts not present' : `${lr.toFixed(2)}×`,
    verdict: verdict(lr === undefined ? undefined : lr >= 0.5),
  });
  const rss = Math.max(
    0,
    ...(pipeline?.fanOuts ?? []).map((r) => r.workerRss.maxAtSteadyLoadBytes),
  );
  checks.push({
    target: 'Policy worker < 300 MB RSS at steady load',
    measured: rss > 0 ? `${(rss / MB).toFixed(0)} MB (max over fan-outs)` : '—',
    verdict: verdict(rss > 0 ? rss < 300 * MB : undefined),
  });
  const sse = pipeline?.gatewaySse;
  const sseOk = sse && 'rssBytes' in sse && sse.opened > 0 ? sse : undefined;
  checks.push({
    target: 'Gateway < 400 MB RSS with 500 open SSE feeds',
    measured: sseOk
      ? `${(sseOk.rssBytes / MB).toFixed(0)} MB with ${sseOk.opened} open (idle ${(sseOk.idleRssBytes / MB).toFixed(0)} MB)`
      : sse && 'error' in sse
        ? `failed: ${sse.error.slice(0, 120)}`
        : '—',
    verdict: verdict(sseOk ? sseOk.rssBytes < 400 * MB && sseOk.opened >= 500 : undefined),
  });
  return checks;
}
