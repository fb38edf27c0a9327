/**
 * The raw kafkajs baseline (its own process, like the worker): consumes the same
 * pre-encoded submissions and, for each, produces F records unchanged (one to
 * each of F feed topics, one partition each, as the hub's feed topics) plus one
 * to a decisions topic, as the hub writes F deliveries and one decision per
 * message. Same consumer settings, slice size (500) and per-partition order as
 * libs/kafka TransactionalProcessor. Transactional mode writes outputs and
 * offsets in one transaction per slice (like for like with the hub); the
 * non-transactional mode sends with acks=-1 and commits offsets after each slice.
 */
import type { Consumer, Producer } from 'kafkajs';
import { createKafkaClient } from '@liaison/kafka';
import { serve, type Request } from './common';

let consumer: Consumer | undefined;
let producer: Producer | undefined;

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
    producer = transactional
      ? kafka.producer({
          transactionalId: String(req.transactionalId),
          idempotent: true,
          maxInFlightRequests: 1,
          transactionTimeout: 30000,
          allowAutoTopicCreation: false,
        })
      : kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const p = producer;
    await p.connect();
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
    const slice = 500;
    await c.run({
      autoCommit: !transactional,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        isRunning,
        isStale,
        commitOffsetsIfNecessary,
      }) => {
        const messages = batch.messages;
        for (let start = 0; start < messages.length; start += slice) {
          if (!isRunning() || isStale()) return;
          const chunk = messages.slice(start, start + slice);
          const last = chunk[chunk.length - 1];
          if (!last) continue;
          const out = chunk.map((m) => ({ key: m.key, value: m.value }));
          const topicMessages = [
            ...outputs.map((topic) => ({ topic, messages: out })),
            { topic: decisions, messages: out },
          ];
          if (transactional) {
            const txn = await p.transaction();
            try {
              await txn.sendBatch({ acks: -1, topicMessages });
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
            await p.sendBatch({ acks: -1, topicMessages });
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
    await producer?.disconnect().catch(() => undefined);
    return true;
  },
});
