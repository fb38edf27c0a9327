/** The report's "Cluster (three brokers): scale-out" section, from the cluster phase's result. */
import type { BenchResults } from '../run-all';
import type { ClusterDrain, ClusterHubRun, ClusterResult } from '../cluster/cluster-bench';
import type { DeliveryCount } from '../cluster/exactly-once';
import { ratio } from './targets';

const n0 = (x: number): string =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
const r2 = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : '—');

/** The cluster phase's verdict for the report's head: undefined when it did not run. */
export function clusterVerdict(cluster: BenchResults['cluster']): string | undefined {
  if (cluster === undefined) return undefined;
  if ('error' in cluster) return `**The cluster phase failed:** ${cluster.error.split('\n')[0]}`;
  if (!cluster.ok) {
    return '**The cluster phase found a delivery missing, duplicated or misdirected, or a partition owned twice or by nobody** (section "Cluster (three brokers): scale-out").';
  }
  return undefined;
}

function exactlyOnceCell(d: DeliveryCount): string {
  if (d.exactlyOnce) return `yes (${n0(d.expected)})`;
  return (
    `**NO**: ${n0(d.delivered)} of ${n0(d.expected)}, ${n0(d.missing)} missing, ` +
    `${n0(d.duplicated)} duplicated, ${n0(d.unexpected)} not entitled`
  );
}

function runLabel(r: ClusterHubRun): string {
  return r.startedWith < r.workers
    ? `${r.startedWith} → ${r.workers} (joining mid-drain)`
    : String(r.workers);
}

/** One sentence, from the figures, on what the machine's cores allowed. */
export function clusterReading(c: ClusterResult): string {
  const steady = c.runs.filter((r) => r.startedWith === r.workers);
  const first = steady[0];
  const last = steady[steady.length - 1];
  if (!first || !last) return '';
  const gain = ratio(last.throughput.deliveriesPerSec, first.throughput.deliveriesPerSec);
  const saturated = steady.find((r) => r.cpu.machineBusy >= 0.9);
  const scale =
    `${last.workers} workers deliver ${r2(gain)} what ${first.workers} ` +
    `${first.workers === 1 ? 'does' : 'do'}`;
  if (saturated) {
    const m = saturated.cpu.machine;
    const other = m.machineSeconds > 0 ? (m.byRole.other ?? 0) / m.machineSeconds : Number.NaN;
    return (
      `The machine's ${c.cores} cores were already ${pct(saturated.cpu.machineBusy)} busy with ` +
      `${saturated.workers} worker${saturated.workers === 1 ? '' : 's'} (three Kafka nodes, the ` +
      `workers, the load generator, the feed reader${other >= 0.05 ? ` and other work on the machine, ${pct(other)} of the busy time` : ''} ` +
      'share them), so more workers can only take CPU from the other processes, not add any: ' +
      `${scale}, at ${n0(first.cpu.consumerUsPerMessage)} → ${n0(last.cpu.consumerUsPerMessage)} µs ` +
      'of worker CPU per message.'
    );
  }
  const busiest = Math.max(...steady.map((r) => r.cpu.machineBusy));
  return (
    `The machine's ${c.cores} cores were at most ${pct(busiest)} busy, so the figures are not ` +
    `bounded by CPU alone: ${scale}.`
  );
}

export function renderCluster(
  cluster: NonNullable<BenchResults['cluster']>,
  line: (s?: string) => void,
): void {
  line('## Cluster (three brokers): scale-out');
  line();
  if ('error' in cluster) {
    line(`**Failed:** ${cluster.error}`);
    line();
    return;
  }
  const c = cluster;
  line(
    `A three-node Kafka cluster of the phase's own (KRaft, replication factor ${c.replicationFactor}, ` +
      `min.insync.replicas ${c.minInsyncReplicas}, ${c.partitions}-partition submissions topic), on the ` +
      `same ${c.cores} cores. Each row drains the same ${n0(c.messages)} pre-signed submissions at ` +
      `fan-out ${c.fanOut} on topics of its own, after an untimed warm-up; baseline: the raw kafkajs ` +
      'transactional pass-through (one process) on the same cluster. Worker CPU per message: the ' +
      "workers' `process_cpu_seconds_total` over the drain, summed, ÷ messages (pass-through: its " +
      'process from /proc); machine CPU busy: /proc/stat over the drain, all cores. Exactly once: ' +
      'every entitled (recipient, message) pair of the run, counted by message id on the feed topics ' +
      'by a read_committed reader.',
  );
  line();
  line(
    '| workers | deliveries/s | alerts/s | ÷ pass-through | worker CPU/msg | machine CPU busy | exactly once |',
  );
  line('|---|---|---|---|---|---|---|');
  const row = (label: string, d: ClusterDrain): void => {
    line(
      `| ${label} | ${n0(d.throughput.deliveriesPerSec)} | ${n0(d.throughput.messagesPerSec)} | ` +
        `${r2(ratio(d.throughput.deliveriesPerSec, c.baseline.throughput.deliveriesPerSec))} | ` +
        `${n0(d.cpu.consumerUsPerMessage)} µs | ${pct(d.cpu.machineBusy)} | ${exactlyOnceCell(d.deliveries)} |`,
    );
  };
  row('pass-through (tx)', c.baseline);
  for (const r of c.runs) row(runLabel(r), r);
  line();
  line(clusterReading(c));
  line();
  line(
    "Partition assignment, read from the workers' group (describeGroups) once the drain was over " +
      'and in every stable state seen while it ran:',
  );
  line();
  for (const r of c.runs) {
    const a = r.assignment;
    const owned = Object.values(a.owned)
      .map((p) => `[${p.join(',')}]`)
      .join(' ');
    const during = r.assignmentsDuringDrain.wrong
      ? `**wrong during the drain**: unowned [${r.assignmentsDuringDrain.wrong.unowned.join(',')}], owned twice [${r.assignmentsDuringDrain.wrong.ownedTwice.join(',')}]`
      : `${r.assignmentsDuringDrain.seen} stable states seen during the drain, each right`;
    const rb = r.rebalance;
    const rebalance = rb
      ? `; in a ${n0(rb.drainMs)} ms drain, the rebalance began ${
          rb.begunAtMs === undefined ? 'after it' : `at ${n0(rb.begunAtMs)} ms`
        } and the group was stable with all ${r.workers} ${
          rb.allInGroupAtMs === undefined ? 'only after it' : `at ${n0(rb.allInGroupAtMs)} ms`
        }${rb.underLoad ? ' (a rebalance under load)' : ' (**not under load**)'}`
      : '';
    line(
      `- ${runLabel(r)}: ${a.members} members own ${owned}` +
        `${a.ok ? '' : ` (**wrong**: unowned [${a.unowned.join(',')}], owned twice [${a.ownedTwice.join(',')}], ${a.idle} idle)`}; ` +
        `${during}${rebalance}.`,
    );
  }
  line();
  for (const note of c.notes) line(`- ${note}`);
  if (c.notes.length > 0) line();
}
