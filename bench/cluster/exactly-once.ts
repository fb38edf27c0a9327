/**
 * The cluster phase's correctness checks, pure: every entitled delivery on the
 * feed topics exactly once (by message id, per recipient's topic), and a
 * consumer group's partition assignment covering every partition with none
 * owned twice.
 */

/** What a drain delivered against what it should have. */
export interface DeliveryCount {
  /** Entitled (recipient, message) pairs. */
  readonly expected: number;
  /** Records read from the feed topics. */
  readonly delivered: number;
  /** Entitled pairs that never arrived. */
  readonly missing: number;
  /** Records beyond the first of a pair. */
  readonly duplicated: number;
  /** Records of a pair that is not entitled (a message to a recipient it may not reach). */
  readonly unexpected: number;
  readonly exactlyOnce: boolean;
}

/**
 * `expected`: feed topic → the message ids it must receive; `seen`: feed topic →
 * the record keys it received, in any order.
 */
export function countDeliveries(
  expected: ReadonlyMap<string, ReadonlySet<string>>,
  seen: Readonly<Record<string, readonly string[]>>,
): DeliveryCount {
  let expectedPairs = 0;
  let delivered = 0;
  let missing = 0;
  let duplicated = 0;
  let unexpected = 0;
  for (const ids of expected.values()) expectedPairs += ids.size;
  const topics = new Set([...expected.keys(), ...Object.keys(seen)]);
  for (const topic of topics) {
    const want = expected.get(topic) ?? new Set<string>();
    const counts = new Map<string, number>();
    for (const key of seen[topic] ?? []) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const [key, n] of counts) {
      delivered += n;
      if (!want.has(key)) unexpected += n;
      else duplicated += n - 1;
    }
    for (const id of want) if (!counts.has(id)) missing++;
  }
  return {
    expected: expectedPairs,
    delivered,
    missing,
    duplicated,
    unexpected,
    exactlyOnce: missing === 0 && duplicated === 0 && unexpected === 0,
  };
}

/** A group's assignment of one topic's partitions, as read from the group. */
export interface AssignmentCheck {
  readonly members: number;
  /** Partitions each member owns, by member id. */
  readonly owned: Readonly<Record<string, readonly number[]>>;
  /** Partitions no member owns. */
  readonly unowned: readonly number[];
  /** Partitions more than one member owns. */
  readonly ownedTwice: readonly number[];
  /** Members that own no partition. */
  readonly idle: number;
  readonly ok: boolean;
}

/**
 * Checks that `members`' assignments of `partitions` partitions cover each once;
 * with `everyMemberOwns`, also that no member is idle (partitions ≥ members).
 */
export function checkAssignment(
  members: Readonly<Record<string, readonly number[]>>,
  partitions: number,
  everyMemberOwns: boolean,
): AssignmentCheck {
  const owners = new Map<number, number>();
  for (const owned of Object.values(members)) {
    for (const p of owned) owners.set(p, (owners.get(p) ?? 0) + 1);
  }
  const all = Array.from({ length: partitions }, (_, p) => p);
  const unowned = all.filter((p) => !owners.has(p));
  const ownedTwice = [...owners].filter(([, n]) => n > 1).map(([p]) => p);
  const outside = [...owners.keys()].filter((p) => p < 0 || p >= partitions);
  const idle = Object.values(members).filter((owned) => owned.length === 0).length;
  return {
    members: Object.keys(members).length,
    owned: members,
    unowned,
    ownedTwice,
    idle,
    ok:
      unowned.length === 0 &&
      ownedTwice.length === 0 &&
      outside.length === 0 &&
      (!everyMemberOwns || idle === 0),
  };
}
