/**
 * After a committed directory change, the agency's entry as the change left it
 * goes onto hub.directory.v1 (compacted, key: agency id). Every app hears it
 * through `listenForWorldChanges` and reloads: the workers, the audit app and
 * the other gateways, so a revoked key or officer stops verifying everywhere.
 */
import { codecFor, type DirectoryEvent } from '@liaison/contracts';
import { renderJwks } from '@liaison/crypto';
import { Topic, type Kafka } from '@liaison/kafka';
import type { World } from '@liaison/runtime';

const directoryCodec = codecFor('DirectoryEvent');
const KINDS: readonly DirectoryEvent['kind'][] = [
  'LAW_ENFORCEMENT',
  'BORDER_GUARD',
  'INTERNATIONAL_HUB',
  'VICTIM_SUPPORT_NGO',
];

/** The directory event of `agencyId` in `world`; undefined if the agency is not in it. */
export function directoryEventOf(world: World, agencyId: string): DirectoryEvent | undefined {
  const agency = world.byId.get(agencyId);
  if (!agency) return undefined;
  const kind = KINDS.find((k) => k === agency.kind) ?? 'INTERNATIONAL_HUB';
  return {
    agencyId,
    name: agency.name,
    jurisdiction: agency.jurisdiction,
    kind,
    jwks: JSON.stringify(
      renderJwks(
        world.keyRows
          .filter((k) => k.agencyId === agencyId && k.status !== 'revoked')
          .map((k) => ({ kid: k.kid, alg: k.alg as 'EdDSA', publicJwk: k.publicJwk as never })),
      ),
    ),
    status: agency.status === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
    updatedAt: new Date().toISOString(),
  };
}

export async function announceAgency(kafka: Kafka, world: World, agencyId: string): Promise<void> {
  const event = directoryEventOf(world, agencyId);
  if (!event) return;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: Topic.directory,
      messages: [{ key: agencyId, value: directoryCodec.encode(event) }],
    });
  } finally {
    await producer.disconnect();
  }
}
