/**
 * A producer that only accepts typed values and encodes them with the codec it
 * was given, so apps never touch bytes. Idempotent by default.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Codec } from '@liaison/contracts';

export interface OutgoingRecord<T> {
  readonly key: string;
  readonly value: T;
  readonly headers?: Readonly<Record<string, string>>;
}

export class TypedProducer<T> {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly codec: Codec<T>,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(records: readonly OutgoingRecord<T>[]): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: this.codec.encode(r.value),
        headers: r.headers ? { ...r.headers } : undefined,
      })),
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
