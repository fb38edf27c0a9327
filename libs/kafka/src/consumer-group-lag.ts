/** How far a consumer group is behind: what monitoring, the tests and the bench wait on. */
import type { Admin } from 'kafkajs';

/**
 * Records a consumer group still has to read on the given topics: per
 * partition, the end offset minus the committed one (from the log start when
 * nothing is committed). Transaction markers count until the group has
 * committed past them, as a read_committed consumer does once it has read them.
 */
export async function consumerGroupLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<bigint> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0n;
  for (const topic of topics) {
    const byPartition = new Map(
      (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [
        p.partition,
        BigInt(p.offset),
      ]),
    );
    for (const end of await admin.fetchTopicOffsets(topic)) {
      const c = byPartition.get(end.partition) ?? -1n;
      const from = c < 0n ? BigInt(end.low) : c;
      const high = BigInt(end.high);
      if (high > from) lag += high - from;
    }
  }
  return lag;
}
