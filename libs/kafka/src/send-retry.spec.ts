/**
 * kafkajs' send retry as patched (patches/kafkajs+2.2.4.patch,
 * `src/producer/sendMessages.js`): one send that spans several partition
 * leaders must write each partition's records once, whatever part of it fails
 * and is retried. The cluster, brokers and transaction manager are stand-ins;
 * the send and its retrier are kafkajs' own. test/cluster/cluster-duplicates.test.ts
 * shows the same on a real three-broker cluster.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs exports no types for its producer internals */
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (deps: {
  logger: Record<string, () => void>;
  cluster: FakeCluster;
  partitioner: (args: { message: { partition: number } }) => number;
  eosManager: FakeEos;
  retrier: (fn: unknown) => Promise<unknown>;
}) => (args: {
  acks: number;
  timeout: number;
  compression: number;
  topicMessages: { topic: string; messages: { partition: number; value: string }[] }[];
}) => Promise<{ topicName: string; partition: number; baseOffset: string }[]>;
const createRetry = require('kafkajs/src/retry') as (options: {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
}) => (fn: unknown) => Promise<unknown>;
const Lock = require('kafkajs/src/utils/lock') as new (options: { timeout: number }) => {
  acquire(): Promise<void>;
  release(): void;
};
const { KafkaJSProtocolError } = require('kafkajs/src/errors') as {
  KafkaJSProtocolError: new (e: {
    message: string;
    type: string;
    code: number;
    retriable: boolean;
  }) => Error;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const TOPIC = 'decisions';

interface TopicData {
  topic: string;
  partitions: { partition: number; firstSequence?: number; messages: unknown[] }[];
}

interface FakeBroker {
  nodeId: number;
  produce(request: { topicData: TopicData[] }): Promise<unknown>;
}

interface FakeCluster {
  leaders: Map<number, number>;
  brokers: Map<number, FakeBroker>;
  refreshMetadataIfNecessary(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(): Promise<void>;
  isConnected(): boolean;
  findTopicPartitionMetadata(): { partitionId: number; leader: number }[];
  findLeaderForPartitions(topic: string, partitions: string[]): Record<number, number[]>;
  findBroker(args: { nodeId: number }): Promise<FakeBroker>;
}

interface FakeEos {
  addPartitionsToTransaction(topicData: TopicData[]): Promise<void>;
  [name: string]: unknown;
}

/** What each broker was asked to append: partition, first sequence, record count. */
interface Append {
  nodeId: number;
  partition: number;
  firstSequence: number;
  records: number;
}

function concurrentTransactions(): Error {
  return new KafkaJSProtocolError({
    message:
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    type: 'CONCURRENT_TRANSACTIONS',
    code: 51,
    retriable: true,
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Partitions 0 and 1 led by broker 1 and 2. `beforeProduce` may hold a
 * broker's produce; `addPartitions` may fail a broker's AddPartitionsToTxn.
 */
function harness(options: {
  beforeProduce?: (nodeId: number, call: number) => Promise<void>;
  addPartitions?: (nodeId: number, call: number) => Error | undefined;
  leaderAfterRefresh?: Map<number, number>;
}) {
  const appends: Append[] = [];
  const produceCalls = new Map<number, number>();
  const addCalls = new Map<number, number>();
  const brokers = new Map<number, FakeBroker>();
  for (const nodeId of [1, 2, 3]) {
    brokers.set(nodeId, {
      nodeId,
      async produce({ topicData }) {
        const call = (produceCalls.get(nodeId) ?? 0) + 1;
        produceCalls.set(nodeId, call);
        for (const t of topicData)
          for (const p of t.partitions)
            appends.push({
              nodeId,
              partition: p.partition,
              firstSequence: p.firstSequence ?? -1,
              records: p.messages.length,
            });
        await options.beforeProduce?.(nodeId, call);
        return {
          topics: topicData.map((t) => ({
            topicName: t.topic,
            partitions: t.partitions.map((p) => ({
              partition: p.partition,
              errorCode: 0,
              baseOffset: String(p.firstSequence ?? 0),
            })),
          })),
        };
      },
    });
  }
  const cluster: FakeCluster = {
    leaders: new Map([
      [0, 1],
      [1, 2],
    ]),
    brokers,
    refreshMetadataIfNecessary: () => Promise.resolve(),
    refreshMetadata() {
      if (options.leaderAfterRefresh) this.leaders = options.leaderAfterRefresh;
      return Promise.resolve();
    },
    addMultipleTargetTopics: () => Promise.resolve(),
    isConnected: () => true,
    findTopicPartitionMetadata() {
      return [...this.leaders].map(([partitionId, leader]) => ({ partitionId, leader }));
    },
    findLeaderForPartitions(_topic, partitions) {
      const out: Record<number, number[]> = {};
      for (const p of partitions) {
        const leader = this.leaders.get(Number(p)) ?? -1;
        (out[leader] ??= []).push(Number(p));
      }
      return out;
    },
    findBroker({ nodeId }) {
      const broker = brokers.get(Number(nodeId));
      if (!broker) throw new Error(`no broker ${nodeId}`);
      return Promise.resolve(broker);
    },
  };
  const locks = new Map<number, InstanceType<typeof Lock>>();
  const sequences = new Map<number, number>();
  const eosManager: FakeEos = {
    isTransactional: () => true,
    isInitialized: () => true,
    getTransactionalId: () => 'tx',
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    acquireBrokerLock: (broker: FakeBroker) => {
      let lock = locks.get(broker.nodeId);
      if (!lock) locks.set(broker.nodeId, (lock = new Lock({ timeout: 10_000 })));
      return lock.acquire();
    },
    releaseBrokerLock: (broker: FakeBroker) => locks.get(broker.nodeId)?.release(),
    getSequence: (_topic: string, partition: number) => sequences.get(partition) ?? 0,
    updateSequence: (_topic: string, partition: number, increment: number) =>
      sequences.set(partition, (sequences.get(partition) ?? 0) + increment),
    addPartitionsToTransaction(topicData) {
      const partition = topicData[0]?.partitions[0]?.partition ?? -1;
      const nodeId = cluster.leaders.get(partition) ?? -1;
      const call = (addCalls.get(nodeId) ?? 0) + 1;
      addCalls.set(nodeId, call);
      const error = options.addPartitions?.(nodeId, call);
      return error ? Promise.reject(error) : Promise.resolve();
    },
  };
  const noop = (): void => undefined;
  const send = createSendMessages({
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    cluster,
    partitioner: ({ message }) => message.partition,
    eosManager,
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  const messages = [0, 1].flatMap((partition) =>
    [0, 1, 2].map((i) => ({ partition, value: `${partition}-${i}` })),
  );
  return {
    appends,
    run: () =>
      send({
        acks: -1,
        timeout: 30_000,
        compression: 0,
        topicMessages: [{ topic: TOPIC, messages }],
      }),
  };
}

/** Partition → how many records were appended to it (a broker appends every call it answers). */
function appendedPerPartition(appends: readonly Append[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of appends) out[a.partition] = (out[a.partition] ?? 0) + a.records;
  return out;
}

describe('kafkajs send retry (patched)', () => {
  it('does not send a partition again whose request was still in flight when another failed', async () => {
    // Broker 2's AddPartitionsToTxn fails once (as right after a commit) while
    // broker 1's produce is still in flight; it answers 50 ms later.
    const { appends, run } = harness({
      addPartitions: (nodeId, call) =>
        nodeId === 2 && call === 1 ? concurrentTransactions() : undefined,
      beforeProduce: (nodeId, call) =>
        nodeId === 1 && call === 1 ? new Promise((r) => setTimeout(r, 50)) : Promise.resolve(),
    });
    const answers = await run();
    expect(appendedPerPartition(appends)).toEqual({ 0: 3, 1: 3 });
    expect(appends.map((a) => [a.partition, a.firstSequence])).toEqual(
      expect.arrayContaining([
        [0, 0],
        [1, 0],
      ]),
    );
    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1]);
  });

  it('does not send a written partition again when its leader moved before the retry', async () => {
    // Broker 1 writes partition 0; broker 2 fails; metadata then says broker 3
    // leads both partitions (broker 1 was stopped after answering).
    const { appends, run } = harness({
      addPartitions: (nodeId, call) =>
        nodeId === 2 && call === 1 ? concurrentTransactions() : undefined,
      leaderAfterRefresh: new Map([
        [0, 3],
        [1, 3],
      ]),
    });
    await run();
    expect(appendedPerPartition(appends)).toEqual({ 0: 3, 1: 3 });
  });

  it('writes a failed partition whose leader moved to a broker that already answered', async () => {
    // Broker 2 fails; partition 1 moves to broker 1, which has answered for partition 0.
    const { appends, run } = harness({
      addPartitions: (nodeId, call) =>
        nodeId === 2 && call === 1 ? concurrentTransactions() : undefined,
      leaderAfterRefresh: new Map([
        [0, 1],
        [1, 1],
      ]),
    });
    const answers = await run();
    expect(appendedPerPartition(appends)).toEqual({ 0: 3, 1: 3 });
    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1]);
  });

  it('still waits for every request of a failed attempt before it retries', async () => {
    const held = deferred();
    const order: string[] = [];
    const { run } = harness({
      addPartitions: (nodeId, call) => {
        if (nodeId === 2) order.push(`add 2 #${call}`);
        return nodeId === 2 && call === 1 ? concurrentTransactions() : undefined;
      },
      beforeProduce: async (nodeId, call) => {
        if (nodeId === 1 && call === 1) {
          setTimeout(() => {
            order.push('produce 1 answered');
            held.resolve();
          }, 30);
          await held.promise;
        }
      },
    });
    await run();
    expect(order).toEqual(['add 2 #1', 'produce 1 answered', 'add 2 #2']);
  });
});
