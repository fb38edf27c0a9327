/**
 * Load generator (its own process, so its CPU is not the measured one's):
 * produces pre-encoded submissions to a topic, either as fast as it can (a
 * backlog, before the consumer under test starts) or at a fixed rate, noting the
 * wall-clock time of each send by record key for the publish→feed latency.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { readFrames, serve, sleep, wallMs, type EncodedSubmission, type Request } from './common';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let frames: EncodedSubmission[] = [];

/**
 * A fresh producer per command: a kafkajs producer keeps refreshing metadata for
 * every topic it ever wrote to, and fails once an earlier run's topics are deleted.
 */
async function connect(brokers: string[]): Promise<Producer> {
  const kafka = new Kafka({ brokers, clientId: 'bench-load', logLevel: logLevel.ERROR });
  const p = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
  });
  await p.connect();
  return p;
}

serve({
  load(req: Request) {
    frames = readFrames(readFileSync(String(req.file)));
    return { frames: frames.length };
  },

  /** Everything in [from, to) as fast as possible, in batches of 500. */
  async backlog(req: Request) {
    const p = await connect(req.brokers as string[]);
    const topic = String(req.topic);
    const from = Number(req.from);
    const to = Number(req.to);
    const started = wallMs();
    // A topic created a moment ago may not be in every metadata view yet: retry.
    const send = async (messages: EncodedSubmission[]): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await p.send({ topic, acks: -1, messages: messages.map((f) => ({ ...f })) });
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await sleep(300 * attempt);
        }
      }
    };
    // One send at a time: concurrent large sends on an idempotent kafkajs producer
    // can reach the broker out of sequence ("out of order sequence number").
    for (let i = from; i < to; i += 500) await send(frames.slice(i, Math.min(to, i + 500)));
    await p.disconnect();
    return { sent: to - from, ms: wallMs() - started };
  },

  /**
   * records [from, to) at `rate` per second: every tick sends what is due, as one
   * batch (what a publisher-side linger would do). Returns [key, sentAtMs] pairs.
   */
  async paced(req: Request) {
    const p = await connect(req.brokers as string[]);
    const topic = String(req.topic);
    const from = Number(req.from);
    const to = Number(req.to);
    const rate = Number(req.rate);
    const tickMs = Number(req.tickMs ?? 2);
    const sentAt: [string, number][] = [];
    const pending = new Set<Promise<unknown>>();
    const start = wallMs();
    let next = from;
    while (next < to) {
      const due = Math.min(to, from + Math.floor(((wallMs() - start) / 1000) * rate) + 1);
      if (due > next) {
        const batch = frames.slice(next, due);
        next = due;
        const t = wallMs();
        for (const f of batch) sentAt.push([f.key, t]);
        const send = p.send({ topic, acks: -1, messages: batch.map((f) => ({ ...f })) });
        pending.add(send);
        void send.finally(() => pending.delete(send));
      }
      await sleep(tickMs);
    }
    await Promise.all(pending);
    await p.disconnect();
    return { sentAt, ms: wallMs() - start };
  },
});
