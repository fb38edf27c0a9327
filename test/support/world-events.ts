/**
 * What a gateway announces after a directory change, for tests that write rows
 * around the API: every app (workers, audit, gateways) hears it and reloads.
 */
import { codecFor } from '@liaison/contracts';
import { Topic, createKafkaClient } from '@liaison/kafka';
import { testConfig } from './stack';

export async function announceDirectoryChange(
  agencyId: string,
  jurisdiction = 'NL',
): Promise<void> {
  const kafka = createKafkaClient(
    { brokers: testConfig().kafka.brokers, clientId: 'world-test' },
    'publisher',
  );
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: Topic.directory,
      messages: [
        {
          key: agencyId,
          value: codecFor('DirectoryEvent').encode({
            agencyId,
            name: agencyId,
            jurisdiction,
            kind: 'LAW_ENFORCEMENT',
            jwks: JSON.stringify({ keys: [] }),
            status: 'ACTIVE',
            updatedAt: new Date().toISOString(),
          }),
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}
