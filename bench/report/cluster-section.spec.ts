import type { ClusterDrain, ClusterHubRun, ClusterResult } from '../cluster/cluster-bench';
import { checkAssignment, countDeliveries } from '../cluster/exactly-once';
import { clusterReading, clusterVerdict, renderCluster } from './cluster-section';

const machine = {
  machineSeconds: 0,
  byRole: {},
  kernelByRole: {},
} as ClusterDrain['cpu']['machine'];

function drain(deliveriesPerSec: number, busy: number, cpuUs: number, once = true): ClusterDrain {
  return {
    throughput: {
      messages: 100,
      deliveries: 2000,
      deliveriesPerSec,
      messagesPerSec: deliveriesPerSec / 20,
      windowMs: 1000,
    },
    cpu: { consumerUsPerMessage: cpuUs, machineBusy: busy, machine },
    deliveries: countDeliveries(new Map([['feed.a', new Set(['m1'])]]), {
      'feed.a': once ? ['m1'] : ['m1', 'm1'],
    }),
  };
}

function run(workers: number, startedWith: number, d: ClusterDrain): ClusterHubRun {
  const owned = Object.fromEntries(
    Array.from({ length: workers }, (_, w) => [
      `w${w}`,
      [0, 1, 2, 3].filter((p) => p % workers === w),
    ]),
  );
  return {
    ...d,
    workers,
    startedWith,
    assignment: checkAssignment(owned, 4, true),
    assignmentsDuringDrain: { seen: 3 },
    ok: d.deliveries.exactlyOnce,
  };
}

function result(runs: ClusterHubRun[], ok = true): ClusterResult {
  return {
    brokers: 3,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    partitions: 4,
    fanOut: 20,
    messages: 100,
    cores: 2,
    baseline: drain(4000, 0.99, 300),
    runs,
    ok,
    notes: [],
  };
}

describe('the cluster section', () => {
  it('says the cores were busy already when the machine was saturated', () => {
    const c = result([
      run(1, 1, drain(1000, 0.97, 900)),
      run(2, 2, drain(1100, 0.99, 950)),
      run(4, 4, drain(1050, 1, 1000)),
    ]);
    expect(clusterReading(c)).toMatch(
      /^The machine's 2 cores were already 97 % busy with 1 worker .* 4 workers deliver 1\.05× what 1 does/,
    );
  });

  it('says the cores were not the limit when they were not busy', () => {
    const c = result([run(1, 1, drain(1000, 0.4, 900)), run(2, 2, drain(1900, 0.6, 900))]);
    expect(clusterReading(c)).toMatch(/at most 60 % busy, .* 2 workers deliver 1\.90× what 1 does/);
  });

  it('shows a drain that was not exactly once in its row and at the head of the report', () => {
    const c = result(
      [run(1, 1, drain(1000, 0.9, 900)), run(2, 1, drain(900, 0.9, 900, false))],
      false,
    );
    const lines: string[] = [];
    renderCluster(c, (s = '') => lines.push(s));
    expect(lines.join('\n')).toContain('| 1 → 2 (joining mid-drain) |');
    expect(lines.join('\n')).toContain('**NO**: 2 of 1, 0 missing, 1 duplicated');
    expect(clusterVerdict(c)).toMatch(/found a delivery missing, duplicated/);
    expect(clusterVerdict(result([run(1, 1, drain(1000, 0.9, 900))]))).toBeUndefined();
    expect(clusterVerdict({ error: 'the bench cluster did not start' })).toMatch(/failed/);
  });
});
