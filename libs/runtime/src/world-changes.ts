/**
 * The one way every app learns that the world changed: a NestJS Kafka
 * microservice (Avro-decoded) on hub.policies.v1 and hub.directory.v1, in a
 * consumer group of its own per process (every instance hears every change),
 * from the latest offset. The worker, the gateway and the audit app each hand
 * it a listener that reloads their LastGoodWorld; an app that made the change
 * itself also reloads at once, without waiting for its own event.
 *
 * A standalone microservice rather than one joined to an app's HTTP server: the
 * gateway's global guard is for HTTP requests and must not meet Kafka events.
 */
import { Controller, Inject, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { HubConfig } from '@liaison/config';
import { codecFor, type Codec, type DirectoryEvent, type PolicyEvent } from '@liaison/contracts';
import { Topic, groupId, microserviceClientOptions } from '@liaison/kafka';
import { AvroEventDeserializer, type AvroEvent } from './avro-event.deserializer';

export const WORLD_CHANGE_LISTENER = Symbol('WORLD_CHANGE_LISTENER');

export interface WorldChange {
  /** Which part changed: an agency's directory entry or a jurisdiction's policy. */
  readonly part: 'directory' | 'policies';
  /** For the log: e.g. `directory de-bka`, `policy NL 3f2a…`. */
  readonly reason: string;
}

export interface WorldChangeListener {
  /** Reloads; never throws (a world that does not compile keeps the last good one). */
  changed(change: WorldChange): Promise<void>;
  /** A record on a world topic that did not decode: logged, not retried. */
  undecodable(topic: string, error: string): void;
}

@Controller()
export class WorldChangesController {
  constructor(@Inject(WORLD_CHANGE_LISTENER) private readonly listener: WorldChangeListener) {}

  @EventPattern(Topic.policies)
  async onPolicyApproved(@Payload() event: AvroEvent<PolicyEvent>): Promise<void> {
    if (!event.value) return this.listener.undecodable(Topic.policies, event.error ?? 'empty');
    await this.listener.changed({
      part: 'policies',
      reason: `policy ${event.value.jurisdiction} ${event.value.version}`,
    });
  }

  @EventPattern(Topic.directory)
  async onDirectoryChanged(@Payload() event: AvroEvent<DirectoryEvent>): Promise<void> {
    if (!event.value) return this.listener.undecodable(Topic.directory, event.error ?? 'empty');
    await this.listener.changed({ part: 'directory', reason: `directory ${event.value.agencyId}` });
  }
}

@Module({})
class WorldChangesModule {
  static with(listener: WorldChangeListener): DynamicModule {
    return {
      module: WorldChangesModule,
      controllers: [WorldChangesController],
      providers: [{ provide: WORLD_CHANGE_LISTENER, useValue: listener }],
    };
  }
}

export interface WorldChanges {
  close(): Promise<void>;
}

/**
 * Starts listening; resolves once the consumer runs. `app` names the process
 * in the group id (`liaison-<app>-world-<pid>-<ms>`), so no two share a group.
 */
export async function listenForWorldChanges(
  config: HubConfig,
  app: string,
  listener: WorldChangeListener,
): Promise<WorldChanges> {
  const microservice = await NestFactory.createMicroservice<MicroserviceOptions>(
    WorldChangesModule.with(listener),
    {
      transport: Transport.KAFKA,
      logger: ['error', 'warn'],
      options: {
        postfixId: '',
        client: microserviceClientOptions(config.kafka, `${app}-world`),
        consumer: {
          groupId: groupId(`liaison-${app}-world-${process.pid}-${Date.now()}`),
          readUncommitted: false,
          allowAutoTopicCreation: false,
        },
        subscribe: { fromBeginning: false },
        parser: { keepBinary: true },
        deserializer: new AvroEventDeserializer(
          new Map<string, Codec<unknown>>([
            [Topic.policies, codecFor('PolicyEvent')],
            [Topic.directory, codecFor('DirectoryEvent')],
          ]),
        ),
      },
    },
  );
  await microservice.listen();
  return { close: () => microservice.close() };
}
