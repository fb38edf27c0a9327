/**
 * Hot reload over Kafka, as a NestJS microservice: an approved policy on
 * hub.policies.v1 or a directory change on hub.directory.v1 makes the worker
 * re-read and recompile its snapshot, with no restart.
 */
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DirectoryEvent, PolicyEvent } from '@liaison/contracts';
import { Topic } from '@liaison/kafka';
import type { AvroEvent } from '@liaison/runtime';

export const SNAPSHOT_RELOADER = Symbol('SNAPSHOT_RELOADER');

export interface SnapshotReloader {
  reload(reason: string): Promise<void>;
  undecodable(topic: string, error: string): void;
}

@Controller()
export class PolicyReloadController {
  constructor(@Inject(SNAPSHOT_RELOADER) private readonly reloader: SnapshotReloader) {}

  @EventPattern(Topic.policies)
  async onPolicyApproved(@Payload() event: AvroEvent<PolicyEvent>): Promise<void> {
    if (!event.value) return this.reloader.undecodable(Topic.policies, event.error ?? 'empty');
    await this.reloader.reload(`policy ${event.value.jurisdiction} ${event.value.version}`);
  }

  @EventPattern(Topic.directory)
  async onDirectoryChanged(@Payload() event: AvroEvent<DirectoryEvent>): Promise<void> {
    if (!event.value) return this.reloader.undecodable(Topic.directory, event.error ?? 'empty');
    await this.reloader.reload(`directory ${event.value.agencyId}`);
  }
}
