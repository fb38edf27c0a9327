/** The Markdown report: every figure next to its same-run baseline, as a ratio. */
import type { BenchResults } from '../run-all';
import { checkTargets, pipelineOf, ratio } from './targets';
import { CPU_ROLES, type CpuRole, type CpuUse } from '../pipeline/cpu-accounting';
import type { ThroughputResult } from '../pipeline/backlog';
import type { PipelineResult } from '../pipeline/pipeline-bench';
import { LOW_LOAD_TARGET } from '../pipeline/low-load';
import { clusterVerdict, renderCluster } from './cluster-section';

const MB = 1024 * 1024;
const n0 = (x: number): string =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
const n1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '—');
const r2 = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const us = (ns: number): string =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(1)} µs`
      : `${ns.toFixed(0)} ns`;

export function renderMarkdown(results: BenchResults, svgName: string): string {
  const m = results.machine;
  const out: string[] = [];
  const line = (s = ''): void => {
    out.push(s);
  };
  line(`# Liaison benchmark report, ${results.date}`);
  line();
  line(
    `Produced by \`npm run bench\` in ${results.durationSec} s, started ${results.startedAt}. ` +
      'Every figure is read against a baseline measured in the same run on the same machine ' +
      '(see docs/benchmarks.md for how to read it).',
  );
  line();
  line('| Machine | |');
  line('|---|---|');
  line(`| CPU | ${String(m.cores)} × ${String(m.cpuModel)} |`);
  line(`| Memory | ${String(m.memoryGb)} GB |`);
  line(`| OS | ${String(m.os)} |`);
  line(`| Node.js | ${String(m.node)} |`);
  line(`| Kafka | ${String(m.kafka)} (KRaft, 1 broker, local), kafkajs ${String(m.kafkajs)} |`);
  line(`| PostgreSQL | ${String(m.postgres)} |`);
  line(`| Commit | ${String(m.commit)}${m.dirty ? ' (with uncommitted changes)' : ''} |`);
  const la = (x: unknown): string =>
    Array.isArray(x) ? x.map((v: number) => v.toFixed(2)).join(' / ') : '—';
  line(
    `| Load average (1/5/15 min) at start → end | ${la(m.loadAverageAtStart)} → ${la(m.loadAverageAtEnd)} |`,
  );
  line();
  line(
    '> The broker, PostgreSQL, the worker, the load generator and the feed reader all share ' +
      `${String(m.cores)} cores: absolute figures are lower than on a dedicated host; ratios to the ` +
      'same-run baseline are the figures to compare between runs.',
  );
  line();

  line('## Targets (issue #8)');
  line();
  line('| Target | Measured | Verdict |');
  line('|---|---|---|');
  for (const c of checkTargets(results)) line(`| ${c.target} | ${c.measured} | **${c.verdict}** |`);
  line();
  const clusterFailure = clusterVerdict(results.cluster);
  if (clusterFailure) {
    line(clusterFailure);
    line();
  }

  const p = pipelineOf(results);
  if (results.pipeline && 'error' in results.pipeline) {
    line(`**The pipeline benchmark failed:** ${results.pipeline.error}`);
    line();
  }
  if (p) {
    line(`![throughput and latency](${svgName})`);
    line();
    line('## Throughput (backlog drained at full speed)');
    line();
    line(
      'Records counted on the F feed topics by a read_committed reader, divided by the time from ' +
        'the first backlog send (the consumer already in its group) to the last arrival. Baseline: ' +
        'raw kafkajs pass-through, same submissions, same topic layout (4-partition input, F ' +
        'single-partition feed topics + a decisions topic), same 500-record slices, partitions ' +
        'consumed concurrently, one transactional producer per input partition and the same split ' +
        'into produce calls.',
    );
    line();
    line(
      '| F | pass-through tx (records/s) | pass-through no-tx (records/s) | hub (deliveries/s) | **hub ÷ tx** | hub ÷ no-tx | hub alerts/s | pass-through messages/s (tx) |',
    );
    line('|---|---|---|---|---|---|---|---|');
    for (const r of p.fanOuts) {
      line(
        `| ${r.fanOut} | ${n0(r.baselineTx.deliveriesPerSec)} | ${n0(r.baselineNonTx.deliveriesPerSec)} | ` +
          `${n0(r.hub.deliveriesPerSec)} | **${r2(ratio(r.hub.deliveriesPerSec, r.baselineTx.deliveriesPerSec))}** | ` +
          `${r2(ratio(r.hub.deliveriesPerSec, r.baselineNonTx.deliveriesPerSec))} | ${n0(r.hub.messagesPerSec)} | ` +
          `${n0(r.baselineTx.messagesPerSec)} |`,
      );
    }
    line();
    line('## Publish→feed latency at a fixed offered load');
    line();
    line(
      "Offered load = 50% of the hub's measured max (messages/s), applied to the hub and to the " +
        'transactional pass-through alike; latency per delivered record, from the send call in the ' +
        'load generator to arrival at the read_committed feed reader. The hub phase starts once the ' +
        'audit app has read everything the drain wrote (it is not on the measured path, but it shares ' +
        `the cores): ${p.fanOuts
          .map(
            (r) =>
              `F=${r.fanOut} ${r.auditCatchUpMs === undefined ? '—' : `${n0(r.auditCatchUpMs)} ms`}`,
          )
          .join(', ')} after the drain.`,
    );
    line();
    line(
      '| F | offered (msg/s) | hub p50 | hub p99 | hub p99.9 | pass-through p50 | pass-through p99 | pass-through p99.9 | hub p99 − pass-through p99 | p99 ratio |',
    );
    line('|---|---|---|---|---|---|---|---|---|---|');
    for (const r of p.fanOuts) {
      const h = r.hubLatency;
      const b = r.baselineLatency;
      line(
        `| ${r.fanOut} | ${n0(r.offeredLoadPerSec)} | ${n1(h.p50Ms)} ms | ${n1(h.p99Ms)} ms | ${n1(h.p999Ms)} ms | ` +
          `${n1(b.p50Ms)} ms | ${n1(b.p99Ms)} ms | ${n1(b.p999Ms)} ms | ${n1(h.p99Ms - b.p99Ms)} ms | ${r2(ratio(h.p99Ms, b.p99Ms))} |`,
      );
    }
    line();
    line(
      "Where a submission's time in the worker goes: the worker's slices (one transaction each) from its " +
        'own histograms (`liaison_slice_transform_seconds`, `liaison_replay_check_seconds`, ' +
        '`liaison_slice_commit_seconds`), means per slice, at the offered load and in the full-speed drain. ' +
        'A submission waits for the slice before its own, then for its own slice: transform (the replay ' +
        "check's database round trip included) and commit.",
    );
    line();
    line(
      '| F | load | slices | submissions per slice | transform | of which replay check | commit | transform + commit |',
    );
    line('|---|---|---|---|---|---|---|---|');
    for (const r of p.fanOuts) {
      for (const [load, s] of [
        ['50%', r.hubSlices?.paced],
        ['drain', r.hubSlices?.drain],
      ] as const) {
        if (!s) continue;
        line(
          `| ${r.fanOut} | ${load} | ${n0(s.slices)} | ${n1(s.submissionsPerSlice)} | ${n1(s.transformMs)} ms | ` +
            `${n1(s.replayCheckMs)} ms | ${n1(s.commitMs)} ms | ${n1(s.transformMs + s.commitMs)} ms |`,
        );
      }
    }
    line();
    renderLowLoad(p.lowLoad, line);
    line('## Worker CPU per message');
    line();
    line(
      `From the worker's own \`process_cpu_seconds_total\` and \`liaison_submissions_processed_total\` ` +
        `(/metrics, scraped every 200 ms) over the whole backlog drain (from the worker idle after its warm-up to the last commit), minus one Ed25519 ` +
        `verification measured in this run (${n1(p.verifyEd25519Us)} µs, node:crypto, cached KeyObject).`,
    );
    line();
    line('| F | CPU/message | − verify | beyond verify | target 50 + 2F | beyond ÷ target |');
    line('|---|---|---|---|---|---|');
    for (const r of p.fanOuts) {
      const c = r.hubCpu;
      line(
        `| ${r.fanOut} | ${n0(c.cpuUsPerMessage)} µs | ${n1(p.verifyEd25519Us)} µs | ${n0(c.cpuUsPerMessageBeyondVerify)} µs | ` +
          `${c.targetUs} µs | ${r2(ratio(c.cpuUsPerMessageBeyondVerify, c.targetUs))} |`,
      );
    }
    line();
    line('## Machine CPU per delivered record, by process');
    line();
    line(
      'CPU seconds of every process on the machine (user + system, /proc) over the backlog drain, divided by ' +
        'the records delivered to the feeds: the hub (phase C: worker, audit app with its ledger and feed store, ' +
        'PostgreSQL, broker) against the transactional pass-through (phase A). Both share two cores with the ' +
        "bench's load generator and reader, so the machine's total CPU per record bounds the throughput. " +
        "The last column is the share of the processes' CPU spent in the kernel on their behalf (system calls, " +
        'page faults): on a virtual machine where those are slow, whatever moves more bytes pays more.',
    );
    line();
    line(
      `| F | system | ${CPU_ROLES.join(' | ')} | machine | busy cores | kernel share | kernel share of the worker or pass-through |`,
    );
    line(`|---|---|${CPU_ROLES.map(() => '---').join('|')}|---|---|---|---|`);
    for (const r of p.fanOuts) {
      if (!r.machineCpu) continue;
      const rows: [string, CpuUse, ThroughputResult][] = [
        ['pass-through (tx)', r.machineCpu.baselineTx, r.baselineTx],
        ['hub', r.machineCpu.hub, r.hub],
      ];
      for (const [label, use, t] of rows) {
        const per = (seconds: number): string =>
          t.deliveries > 0 ? `${n0((seconds * 1e6) / t.deliveries)} µs` : '—';
        const seconds = t.deliveriesPerSec > 0 ? t.deliveries / t.deliveriesPerSec : 0;
        const busy = seconds > 0 ? use.machineSeconds / seconds : Number.NaN;
        const all = CPU_ROLES.reduce((sum, role) => sum + use.byRole[role], 0);
        const kernel = CPU_ROLES.reduce((sum, role) => sum + use.kernelByRole[role], 0);
        const pct = (part: number, whole: number): string =>
          whole > 0 ? `${n0((100 * part) / whole)}%` : '—';
        const own: CpuRole = label === 'hub' ? 'worker' : 'pass-through';
        line(
          `| ${r.fanOut} | ${label} | ${CPU_ROLES.map((role) => per(use.byRole[role])).join(' | ')} | ` +
            `${per(use.machineSeconds)} | ${Number.isFinite(busy) ? busy.toFixed(2) : '—'} | ` +
            `${pct(kernel, all)} | ${pct(use.kernelByRole[own], use.byRole[own])} |`,
        );
      }
    }
    if (p.policyDecision) {
      line();
      line(
        `Policy evaluation alone (decideAll over the run's compiled policy set, ${p.policyDecision.recipients} recipients): ` +
          `${n1(p.policyDecision.decideAllUs)} µs per message, ${p.policyDecision.perRecipientUs.toFixed(3)} µs per recipient.`,
      );
    }
    line();
    line('## Memory');
    line();
    line(
      "The worker's RSS (max over its /metrics scrapes): at max load over the drain (phase C); at " +
        'steady load over the second half of the paced phase (D) and at its end. In brackets, the ' +
        'first half of D, when the worker still holds what the drain left: V8 and the allocator give ' +
        'memory back lazily, after the load has changed.',
    );
    line();
    line('| Process | RSS | Limit |');
    line('|---|---|---|');
    for (const r of p.fanOuts) {
      line(
        `| policy worker, F=${r.fanOut}, max load / steady 50% load (first half of the paced phase) | ${n0(r.workerRss.maxAtMaxLoadBytes / MB)} MB / ${n0(r.workerRss.maxAtSteadyLoadBytes / MB)} MB (${r.workerRss.atSteadyLoadStartBytes === undefined ? '—' : `${n0(r.workerRss.atSteadyLoadStartBytes / MB)} MB`}) | 300 MB |`,
      );
    }
    const breakdown = p.fanOuts.filter((r) => r.workerRss.atMax);
    const sse = p.gatewaySse;
    if (sse && 'rssBytes' in sse) {
      line(
        `| gateway, idle → ${sse.opened}/${sse.connections} open SSE feeds | ${n0(sse.idleRssBytes / MB)} MB → ${n0(sse.rssBytes / MB)} MB | 400 MB |`,
      );
    } else if (sse) {
      line(`| gateway with SSE feeds | failed: ${sse.error.slice(0, 200)} | 400 MB |`);
    }
    line();
    if (breakdown.length > 0) {
      line(
        "What the worker's largest RSS sample held (prom-client's `nodejs_heap_size_*` and " +
          '`nodejs_external_memory_bytes`): the rest of RSS is code, V8 and the native libraries ' +
          '(OpenSSL, the allocator), about what the worker already holds when idle after its warm-up.',
      );
      line();
      line(
        '| F | idle RSS (after the warm-up) | largest RSS | V8 heap reserved | of it in use | outside the heap (Buffers) |',
      );
      line('|---|---|---|---|---|---|');
      for (const r of breakdown) {
        const m = r.workerRss.atMax;
        if (!m) continue;
        const idle = r.workerRss.idleBytes;
        line(
          `| ${r.fanOut} | ${idle === undefined ? '—' : `${n0(idle / MB)} MB`} | ${n0(m.rssBytes / MB)} MB | ` +
            `${n0(m.heapTotalBytes / MB)} MB | ${n0(m.heapUsedBytes / MB)} MB | ${n0(m.externalBytes / MB)} MB |`,
        );
      }
      line();
    }
    if (p.fanOuts.some((r) => r.auditApp)) {
      line('The audit app (ledger writer) ran beside the worker in the hub phases.');
    } else {
      line(
        'The audit app (ledger writer) was not built at this commit, so the hub phases exclude the ledger write.',
      );
    }
    line();
    if (p.profile) {
      const s = p.profile.summary;
      line(`## Where the worker's time goes (CPU profile, F=${p.profile.fanOut})`);
      line();
      line(
        `A separate, untimed hub run under \`node --cpu-prof\`, counted from the backlog's first send (start-up left out; ` +
          `${n0(s.busyMs)} ms busy, ${n0(s.idleMs)} ms idle; ` +
          `profile: \`${s.file}\`, not committed). Self time, as a share of busy time.`,
      );
      line();
      line('| Area | self time | share |');
      line('|---|---|---|');
      for (const a of s.areas)
        line(`| ${a.name} | ${n0(a.selfMs)} ms | ${(a.share * 100).toFixed(1)}% |`);
      line();
      line('| Function | self time | share |');
      line('|---|---|---|');
      for (const f of s.topFunctions) {
        line(
          `| \`${f.name.replace(/\|/g, '\\|')}\` | ${n0(f.selfMs)} ms | ${(f.share * 100).toFixed(1)}% |`,
        );
      }
      line();
    }
    if (p.notes.length > 0) {
      line('## Notes from the run');
      line();
      for (const note of p.notes) line(`- ${note}`);
      line();
    }
  }

  if (results.micro.length > 0) {
    line('## Micro-benchmarks');
    line();
    line('Median cost per call over batches; ratio = cost ÷ the group baseline (> 1: slower).');
    line();
    for (const g of results.micro) {
      line(`### ${g.group} (${g.file}; baseline: ${g.baseline})`);
      line();
      if (g.error) {
        line(`Failed: ${g.error}`);
        line();
        continue;
      }
      line('| Measurement | median | p99 | ops/s | ratio to baseline |');
      line('|---|---|---|---|---|');
      for (const x of g.measurements) {
        line(
          `| ${x.name} | ${us(x.nsPerOpMedian)} | ${us(x.nsPerOpP99)} | ${n0(x.opsPerSec)} | ${r2(x.ratioToBaseline)} |`,
        );
      }
      line();
    }
  }
  if (results.ledger !== undefined) {
    line('## Ledger ingest');
    line();
    line('```json');
    line(JSON.stringify(results.ledger, null, 2));
    line('```');
    line();
  }
  if (results.links !== undefined) renderLinks(results.links, line);
  if (results.cluster !== undefined) renderCluster(results.cluster, line);
  return `${out.join('\n')}\n`;
}

/** The links phase: corpus recall and false links, query latency on a large index. */
function renderLinks(links: NonNullable<BenchResults['links']>, line: (s?: string) => void): void {
  line('## Links');
  line();
  if ('error' in links) {
    line(`Failed: ${links.error}`);
    line();
    return;
  }
  const c = links.corpus;
  line('| figure | measured | target | |');
  line('|---|---|---|---|');
  const pass = (ok: boolean): string => (ok ? 'pass' : 'miss');
  line(
    `| recall of planted exact links (${c.planted} planted, ${c.messages} messages, ${c.agencies} agencies) | ` +
      `${(c.recall * 100).toFixed(1)} % | 100 % | ${pass(c.recall === 1)} |`,
  );
  line(`| false exact links | ${c.falseExactLinks} | 0 | ${pass(c.falseExactLinks === 0)} |`);
  line(
    `| near-misses linked (of ${c.nearMisses}) | ${c.nearMissesLinked} | 0 | ${pass(c.nearMissesLinked === 0)} |`,
  );
  const q = links.query;
  if ('error' in q) line(`| hit/no-hit query p95 | failed: ${q.error} | ≤ 50 ms | miss |`);
  else {
    line(
      `| hit/no-hit query p95 (${q.indexRows} index rows, ${q.queries} queries, p50 ${q.p50Ms.toFixed(1)} ms) | ` +
        `${q.p95Ms.toFixed(1)} ms | ≤ ${q.targetP95Ms} ms | ${pass(q.p95Ms <= q.targetP95Ms)} |`,
    );
  }
  line();
  line(
    '> The worker CPU A/B with and without link extraction is the "transform with link ' +
      'pseudonyms" line of the worker-transform micro-benchmarks (target ≤ 1.1 × "transform").',
  );
  line();
}

/** The low-load phase: what a partner feels, split into the worker's hop and the feed store's. */
function renderLowLoad(low: PipelineResult['lowLoad'], line: (s?: string) => void): void {
  if (!low) return;
  line("## Latency at low load (publish → partner's SSE stream)");
  line();
  if ('error' in low) {
    line(`**The low-load phase failed:** ${low.error}`);
    line();
    return;
  }
  line(
    `F = ${low.fanOut}, one SSE stream per recipient on the real gateway. Hub → SSE: from the send ` +
      "call to the event on the partner's stream (worker, feed topic, audit app's feed projector, " +
      'PostgreSQL NOTIFY, gateway page query, SSE write). Hub → feed topic: the same deliveries read ' +
      "from the hub's feed topics (read_committed): the worker's hop. Pass-through: publish → its " +
      'feed topics (read_committed), the transactional pass-through at the same load. ' +
      `Target at ${LOW_LOAD_TARGET.perSec}/s: hub → SSE p50 ≤ ${LOW_LOAD_TARGET.p50Ms} ms, ` +
      `p99 ≤ ${LOW_LOAD_TARGET.p99Ms} ms, p50 within ${LOW_LOAD_TARGET.ofPassThroughP50}× the pass-through's.`,
  );
  line();
  line(
    '| load (msg/s) | hub → SSE p50 / p99 | hub → feed topic p50 / p99 | feed topic → SSE (p50 difference) | pass-through p50 / p99 | hub p50 ÷ pass-through p50 | worker slice: transform / commit |',
  );
  line('|---|---|---|---|---|---|---|');
  for (const r of low.runs) {
    const pair = (l: { p50Ms: number; p99Ms: number }): string =>
      `${n1(l.p50Ms)} / ${n1(l.p99Ms)} ms`;
    const s = r.hubSlices;
    line(
      `| ${r.perSec} | ${pair(r.hubSse)} | ${pair(r.hubFeedTopic)} | ${n1(r.hubSse.p50Ms - r.hubFeedTopic.p50Ms)} ms | ` +
        `${pair(r.passThrough)} | ${r2(ratio(r.hubSse.p50Ms, r.passThrough.p50Ms))} | ` +
        `${s ? `${n1(s.transformMs)} / ${n1(s.commitMs)} ms` : '—'} |`,
    );
  }
  line();
  line(
    "Where the worker's hop goes (means per slice, from the worker's histograms): the wait of a " +
      "slice's submissions before it began (from each record's create time: the publisher's send, " +
      'the fetch, and the slice in progress, since the client fetches again only once every batch ' +
      'of its last fetch is done), the transform with the replay check inside it, and the ' +
      "transaction's round trips: the produce calls, the offsets sent to the transaction and EndTxn. " +
      'After EndTxn the reader still waits for the commit markers to be written before its ' +
      'read_committed fetch returns the records.',
  );
  line();
  line(
    '| load (msg/s) | submissions per slice | wait before the slice | transform | of which replay check | produce | offsets | EndTxn | wait + transform + commit |',
  );
  line('|---|---|---|---|---|---|---|---|---|');
  for (const r of low.runs) {
    const s = r.hubSlices;
    if (!s) continue;
    line(
      `| ${r.perSec} | ${n1(s.submissionsPerSlice)} | ${n1(s.waitMs)} ms | ${n1(s.transformMs)} ms | ` +
        `${n1(s.replayCheckMs)} ms | ${n1(s.produceMs)} ms | ${n1(s.offsetsMs)} ms | ${n1(s.endMs)} ms | ` +
        `${n1(s.waitMs + s.transformMs + s.commitMs)} ms |`,
    );
  }
  if (low.runs.some((r) => r.feedHops)) {
    line();
    line(
      "Where the feed store's hop goes (means, from the audit app's and the gateway's histograms): " +
        "a delivery's create time in the worker (before its transaction) to its hand-over to the feed " +
        "projector (the worker's commit, the markers, the projector's read_committed fetch); the " +
        "projector's statements (the batches of one fetch stored together: insert, NOTIFY, commit); " +
        "and in the gateway, from the NOTIFY's arrival to the new entries written to a stream (the " +
        'page query, then the SSE write).',
    );
    line();
    line(
      '| load (msg/s) | create → projector | statements | batches per statement | statement | NOTIFY → SSE write | of which page query |',
    );
    line('|---|---|---|---|---|---|---|');
    for (const r of low.runs) {
      const h = r.feedHops;
      if (!h) continue;
      line(
        `| ${r.perSec} | ${n1(h.handoverMs)} ms | ${h.statements} | ${n1(h.batchesPerStatement)} | ` +
          `${n1(h.statementMs)} ms | ${n1(h.wakeMs)} ms | ${n1(h.pageMs)} ms |`,
      );
    }
  }
  for (const note of low.notes) line(`\n> ${note}`);
  line();
}
