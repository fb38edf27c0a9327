/**
 * A consumer group's partition assignment as its coordinator holds it
 * (describeGroups, each member's assignment decoded): how the cluster phase and
 * the scale-out test see which worker owns which partition.
 */
import { AssignerProtocol, type Admin } from 'kafkajs';

export interface GroupAssignment {
  /** The group's state: only a Stable group's assignment is the one in force. */
  readonly state: string;
  /** Each member's partitions of the topic, by member id. */
  readonly members: Record<string, number[]>;
}

export async function groupAssignment(
  admin: Admin,
  group: string,
  topic: string,
): Promise<GroupAssignment> {
  const { groups } = await admin.describeGroups([group]);
  const g = groups[0];
  const members: Record<string, number[]> = {};
  for (const m of g?.members ?? []) {
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    members[m.memberId] = [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
  }
  return { state: g?.state ?? 'Unknown', members };
}
