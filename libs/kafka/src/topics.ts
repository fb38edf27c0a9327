/**
 * Every topic the hub uses, declared once: name, partitions, retention and
 * compaction. Topic admin creates them from this list; nothing else names topics.
 */

/**
 * An optional namespace (KAFKA_NAMESPACE) prefixes every topic and consumer group,
 * so isolated runs (benchmarks, fault-injection tests) share a broker without
 * seeing each other's records. Empty in normal operation.
 */
const NAMESPACE = /^[a-z0-9-]{0,40}$/.test(process.env.KAFKA_NAMESPACE ?? '')
  ? (process.env.KAFKA_NAMESPACE ?? '')
  : '';
const prefix = NAMESPACE ? `${NAMESPACE}.` : '';

export const Topic = {
  submissions: `${prefix}hub.submissions.v1`,
  decisions: `${prefix}hub.decisions.v1`,
  deadLetters: `${prefix}hub.dlq.v1`,
  policies: `${prefix}hub.policies.v1`,
  directory: `${prefix}hub.directory.v1`,
  checkpoints: `${prefix}hub.checkpoints.v1`,
} as const;
export type FixedTopic = (typeof Topic)[keyof typeof Topic];

/** A consumer group id in the current namespace. */
export function groupId(name: string): string {
  return `${prefix}${name}`;
}

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** One feed topic per recipient agency, so Kafka ACLs can confine each to its own. */
export function feedTopic(agencyId: string): string {
  if (!AGENCY_ID.test(agencyId)) throw new Error(`not an agency id: ${JSON.stringify(agencyId)}`);
  return `${prefix}hub.feed.${agencyId}.v1`;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface TopicLayout {
  readonly partitions: number;
  readonly replicationFactor: number;
}

const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = String(7 * DAY_MS);
/** A decision lists every recipient's outcome: large fan-outs make large records. */
const LARGE = { 'max.message.bytes': String(8 * 1024 * 1024) };

function base(layout: TopicLayout): Record<string, string> {
  return { 'min.insync.replicas': String(Math.max(1, Math.min(2, layout.replicationFactor - 1))) };
}

export function fixedTopicSpecs(layout: TopicLayout): TopicSpec[] {
  const b = base(layout);
  return [
    {
      topic: Topic.submissions,
      partitions: layout.partitions,
      config: { ...b, 'retention.ms': WEEK_MS, ...LARGE },
    },
    {
      topic: Topic.decisions,
      partitions: layout.partitions,
      config: { ...b, 'retention.ms': WEEK_MS, ...LARGE },
    },
    {
      topic: Topic.deadLetters,
      partitions: 1,
      config: { ...b, 'retention.ms': String(30 * 24 * 3600 * 1000) },
    },
    // Latest policy set per jurisdiction and latest directory entry per agency: compacted.
    { topic: Topic.policies, partitions: 1, config: { ...b, 'cleanup.policy': 'compact' } },
    { topic: Topic.directory, partitions: 1, config: { ...b, 'cleanup.policy': 'compact' } },
    { topic: Topic.checkpoints, partitions: 1, config: { ...b, 'retention.ms': '-1' } },
  ];
}

/** How long a feed topic keeps a delivery when the recipient's retention is longer. */
export const FEED_TRANSIT_DAYS = 7;

/**
 * A feed topic's retention.ms: the transit window (for the projector to catch
 * up and for replays), never longer than the recipient's retention, which is
 * the longest the hub keeps any delivery to it (a delivery's own retention is
 * the shorter of the recipient's and the originator's). Kafka then keeps no
 * presentation longer than PostgreSQL may.
 */
export function feedRetentionMs(retentionDays: number): string {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`not a retention in days: ${String(retentionDays)}`);
  }
  return String(Math.min(retentionDays, FEED_TRANSIT_DAYS) * DAY_MS);
}

/**
 * The partition every delivery is written to. Named on each record, so a feed
 * keeps its one order even on a topic made with more partitions (by hand, or
 * auto-created by a broker whose default is more than one), and the producer
 * does not hash each delivery's key to choose it.
 */
export const FEED_PARTITION = 0;

/**
 * Feed topics keep one partition so an agency's feed has one total order, and
 * the recipient's retention (see feedRetentionMs).
 */
export function feedTopicSpec(
  agencyId: string,
  retentionDays: number,
  layout: TopicLayout,
): TopicSpec {
  return {
    topic: feedTopic(agencyId),
    partitions: 1,
    config: { ...base(layout), 'retention.ms': feedRetentionMs(retentionDays) },
  };
}
