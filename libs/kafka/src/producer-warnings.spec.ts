import { createKafkaClient } from './kafka-client.factory';
import { transactionalProducerConfig } from './transactional-processor';

/** Producers are built without connecting: no broker is needed to see what they log. */
function warningsOf(build: (kafka: ReturnType<typeof createKafkaClient>) => void): string[] {
  const warnings: string[] = [];
  const kafka = createKafkaClient(
    {
      brokers: ['127.0.0.1:1'],
      clientId: 'liaison-test',
      log: (level, message) => {
        if (level === 'warn') warnings.push(message);
      },
    },
    'spec',
  );
  build(kafka);
  return warnings;
}

describe('producer warnings (patched kafkajs)', () => {
  const limitedRetries = /Limiting retries for the idempotent producer/;

  it('does not warn a transactional producer that its bounded retries may invalidate EoS', () => {
    const warnings = warningsOf((kafka) => kafka.producer(transactionalProducerConfig('tx-1')));
    expect(warnings.filter((w) => limitedRetries.test(w))).toEqual([]);
  });

  it('still warns an idempotent producer outside a transaction', () => {
    const warnings = warningsOf((kafka) =>
      kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } }),
    );
    expect(warnings.some((w) => limitedRetries.test(w))).toBe(true);
  });
});
