/**
 * Lets NestJS Kafka microservices (@nestjs/microservices, Transport.KAFKA) receive
 * Avro-typed events: the record value (kept binary by the parser) is decoded with
 * the codec registered for its topic. A record that does not decode is handed on
 * with `data: null` and its error, never thrown into the transport.
 */
import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import type { Codec } from '@liaison/contracts';

export interface AvroEvent<T> {
  readonly value: T | null;
  readonly error: string | null;
  readonly key: string | null;
  readonly offset: string;
}

interface RawKafkaMessage {
  readonly value: Buffer | string | null;
  readonly key: Buffer | string | null;
  readonly offset: string;
}

export class AvroEventDeserializer implements ConsumerDeserializer {
  constructor(private readonly codecs: ReadonlyMap<string, Codec<unknown>>) {}

  deserialize(message: RawKafkaMessage, options?: Record<string, unknown>): IncomingEvent {
    const channel = typeof options?.channel === 'string' ? options.channel : '';
    const codec = this.codecs.get(channel);
    const key =
      message.key === null
        ? null
        : Buffer.isBuffer(message.key)
          ? message.key.toString('utf8')
          : message.key;
    let event: AvroEvent<unknown>;
    if (!codec) {
      event = { value: null, error: `no codec for topic ${channel}`, key, offset: message.offset };
    } else if (!Buffer.isBuffer(message.value)) {
      event = {
        value: null,
        error: 'record value is not binary (tombstone or text)',
        key,
        offset: message.offset,
      };
    } else {
      try {
        event = { value: codec.decode(message.value), error: null, key, offset: message.offset };
      } catch (error) {
        event = {
          value: null,
          error: error instanceof Error ? error.message : String(error),
          key,
          offset: message.offset,
        };
      }
    }
    return { pattern: channel, data: event };
  }
}
