/**
 * Feed reader (its own process): a read_committed consumer on every feed topic of
 * one fan-out run, for the hub's topics and the pass-through's alike. It notes
 * each record's key (the message id), topic and arrival time per topic set; the
 * orchestrator asks for counts, arrival-rate windows and latencies by index
 * range, since the phases of a run follow one another and each is drained
 * completely before the next starts.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { serve, sleep, summariseLatency, wallMs, type Request } from './common';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

interface Arrivals {
  keys: string[];
  times: number[];
  /** The topic of each arrival. */
  topics: string[];
}

const sets = new Map<string, Arrivals>();
const setOfTopic = new Map<string, Arrivals>();
let consumer: Consumer | undefined;

function arrivals(set: string): Arrivals {
  const a = sets.get(set);
  if (!a) throw new Error(`unknown topic set ${set}`);
  return a;
}

serve({
  /** topics: { set: [topic, ...] } */
  async start(req: Request) {
    const topics = req.topics as Record<string, string[]>;
    for (const [set, list] of Object.entries(topics)) {
      const a: Arrivals = { keys: [], times: [], topics: [] };
      sets.set(set, a);
      for (const t of list) setOfTopic.set(t, a);
    }
    const kafka = new Kafka({
      brokers: req.brokers as string[],
      clientId: 'bench-feed-reader',
      logLevel: logLevel.ERROR,
    });
    const c = kafka.consumer({
      groupId: String(req.groupId),
      readUncommitted: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30000,
    });
    consumer = c;
    await c.connect();
    await c.subscribe({ topics: [...setOfTopic.keys()], fromBeginning: true });
    let joined = false;
    c.on(c.events.GROUP_JOIN, () => {
      joined = true;
    });
    await c.run({
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch }) => {
        const t = wallMs();
        const a = setOfTopic.get(batch.topic);
        if (!a) return;
        for (const m of batch.messages) {
          a.keys.push(m.key ? m.key.toString('utf8') : '');
          a.times.push(t);
          a.topics.push(batch.topic);
        }
        await Promise.resolve();
      },
    });
    const deadline = Date.now() + 60_000;
    while (!joined && Date.now() < deadline) await sleep(50);
    if (!joined) throw new Error('feed reader did not join its group');
    return { topics: setOfTopic.size };
  },

  count(req: Request) {
    return arrivals(String(req.set)).keys.length;
  },

  /** Waits until the set holds `target` records; gives up after `stallMs` without progress. */
  async waitFor(req: Request) {
    const a = arrivals(String(req.set));
    const target = Number(req.target);
    const stallMs = Number(req.stallMs ?? 30000);
    let last = a.keys.length;
    let lastChange = Date.now();
    while (a.keys.length < target) {
      await sleep(20);
      if (a.keys.length !== last) {
        last = a.keys.length;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs) break;
    }
    return { count: a.keys.length, lastAt: a.times[a.times.length - 1] ?? 0 };
  },

  /**
   * Drain rate over [from, to): the records divided by the time from `since`
   * (when the backlog started to be sent to a consumer already in its group) to
   * the last arrival. Robust to bursts: several partitions commit their
   * transactions at nearly the same moment.
   */
  rate(req: Request) {
    const a = arrivals(String(req.set));
    const from = Number(req.from);
    const to = Math.min(Number(req.to), a.times.length);
    const n = to - from;
    const since = Number(req.since);
    const lastAt = a.times[to - 1] ?? 0;
    if (n <= 0 || !(lastAt > since)) return { records: n, perSec: 0, firstAt: 0, lastAt };
    return {
      records: n,
      perSec: n / ((lastAt - since) / 1000),
      firstAt: a.times[from] ?? 0,
      lastAt,
      windowMs: lastAt - since,
    };
  },

  /** The keys of the records in [from, to), by topic: what each feed received. */
  keysByTopic(req: Request) {
    const a = arrivals(String(req.set));
    const out: Record<string, string[]> = {};
    const to = Math.min(Number(req.to), a.keys.length);
    for (let i = Number(req.from); i < to; i++) {
      const topic = a.topics[i] ?? '';
      (out[topic] ??= []).push(a.keys[i] ?? '');
    }
    return out;
  },

  /** Publish→feed latency of every record in [from, to) whose key has a send time. */
  latency(req: Request) {
    const a = arrivals(String(req.set));
    const sentAt = new Map(req.sentAt as [string, number][]);
    const values: number[] = [];
    const to = Math.min(Number(req.to), a.keys.length);
    for (let i = Number(req.from); i < to; i++) {
      const s = sentAt.get(a.keys[i] ?? '');
      const t = a.times[i];
      if (s !== undefined && t !== undefined) values.push(t - s);
    }
    return summariseLatency(values);
  },

  async stop() {
    await consumer?.disconnect();
    return true;
  },
});
