/**
 * The raw kafkajs baseline (its own process, like the worker): consumes the same
 * pre-encoded submissions and, for each, produces F records unchanged (one to
 * each of F feed topics, one partition each, as the hub's feed topics) plus one
 * to a decisions topic, as the hub writes F deliveries and one decision per
 * message. Same consumer settings, slice size, partitions consumed
 * concurrently, one producer per input partition, retry back-off and split into
 * produce calls as libs/kafka TransactionalProcessor. Transactional mode writes outputs and
 * offsets in one transaction per slice (like for like with the hub); the
 * non-transactional mode sends with acks=-1 and commits offsets after each slice.
 */
import type { Consumer, Producer } from 'kafkajs';
import {
  DEFAULT_SLICE_BUDGET,
  PARTITIONS_CONSUMED_CONCURRENTLY,
  createKafkaClient,
  sliceSize,
  splitIntoSends,
  transactionalProducerConfig,
} from '@liaison/kafka';
import { serve, type Request } from './common';

let consumer: Consumer | undefined;
const producers = new Map<number, Producer>();

serve({
  async start(req: Request) {
    const transactional = Boolean(req.transactional);
    const groupId = String(req.groupId);
    const input = String(req.input);
    const outputs = req.outputs as string[];
    const decisions = String(req.decisions);
    // The hub's own client factory: same timeouts and retry back-off as the worker.
    const kafka = createKafkaClient(
      { brokers: req.brokers as string[], clientId: 'bench' },
      'passthrough',
    );
    // Like the worker: one producer per input partition, so that partitions
    // consumed concurrently each run their own transaction.
    const producerFor = async (partition: number): Promise<Producer> => {
      const existing = producers.get(partition);
      if (existing) return existing;
      const created = transactional
        ? kafka.producer(transactionalProducerConfig(`${String(req.transactionalId)}-${partition}`))
        : kafka.producer({
            idempotent: true,
            maxInFlightRequests: 1,
            allowAutoTopicCreation: false,
          });
      producers.set(partition, created);
      await created.connect();
      return created;
    };
    const c = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    consumer = c;
    c.on(c.events.CRASH, (event) => {
      console.error(`pass-through consumer crashed: ${String(event.payload.error)}`);
    });
    await c.connect();
    await c.subscribe({ topic: input, fromBeginning: true });
    // The worker's slice for this fan-out (F feeds + 1 decision per input).
    const slice = sliceSize(DEFAULT_SLICE_BUDGET, outputs.length + 1);
    await c.run({
      autoCommit: !transactional,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        isRunning,
        isStale,
        commitOffsetsIfNecessary,
      }) => {
        const messages = batch.messages;
        const p = await producerFor(batch.partition);
        for (let start = 0; start < messages.length; start += slice) {
          if (!isRunning() || isStale()) return;
          const chunk = messages.slice(start, start + slice);
          const last = chunk[chunk.length - 1];
          if (!last) continue;
          // The same records, split into produce calls exactly as the worker splits its outputs.
          const records = chunk.map((m) => ({
            key: m.key?.toString('utf8') ?? '',
            value: m.value ?? Buffer.alloc(0),
          }));
          const sends = splitIntoSends(
            [...outputs, decisions].flatMap((topic) => records.map((r) => ({ topic, ...r }))),
          );
          if (transactional) {
            const txn = await p.transaction();
            try {
              for (const topicMessages of sends) await txn.sendBatch({ acks: -1, topicMessages });
              await txn.sendOffsets({
                consumerGroupId: groupId,
                topics: [
                  {
                    topic: batch.topic,
                    partitions: [
                      { partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
                    ],
                  },
                ],
              });
              await txn.commit();
            } catch (error) {
              await txn.abort().catch(() => undefined);
              throw error;
            }
            resolveOffset(last.offset);
          } else {
            for (const topicMessages of sends) await p.sendBatch({ acks: -1, topicMessages });
            resolveOffset(last.offset);
            await commitOffsetsIfNecessary();
          }
          await heartbeat();
        }
      },
    });
    return true;
  },

  async stop() {
    await consumer?.disconnect().catch(() => undefined);
    for (const p of producers.values()) await p.disconnect().catch(() => undefined);
    producers.clear();
    return true;
  },
});
