/**
 * Every dead letter the policy worker commits to hub.dlq.v1 becomes a REFUSAL
 * entry in the law-enforcement log: reason code, the agency and key the
 * submission envelope names, message and correlation ids, where and when it
 * failed; never the payload (the originator's token) nor the human-readable
 * reason (it may quote the input).
 *
 * Exactly once: the worker writes a dead letter in the same Kafka transaction
 * as its offsets, and this consumer reads read_committed, so a letter of an
 * aborted transaction is never seen. Offsets are committed only after the
 * database insert, and each entry carries an event key naming its source
 * record (unique in le_log): a redelivered letter is skipped by the insert.
 */
import type { Kafka } from '@liaison/kafka';
import type { DataSource } from 'typeorm';
import { codecFor, type DeadLetter, type Submission } from '@liaison/contracts';
import { Topic, TypedConsumer, groupId, type ConsumedRecord } from '@liaison/kafka';
import {
  appendLeLogOnce,
  refusalLogEntry,
  unattributedRefusal,
  type LeLogEntry,
  type Refusal,
} from '@liaison/persistence';
import { peekUnverifiedToken } from '@liaison/crypto';

export const DEAD_LETTER_LOG_GROUP = 'liaison-audit-dead-letters';

const submissionCodec = codecFor('Submission');

function submissionOf(letter: DeadLetter): Submission | null {
  if (!letter.sourceTopic.endsWith('hub.submissions.v1') || letter.payload.length === 0)
    return null;
  try {
    return submissionCodec.decode(Buffer.from(letter.payload));
  } catch {
    return null;
  }
}

/** The refusal a dead letter stands for, from its envelope only. */
export function deadLetterRefusal(letter: DeadLetter): Refusal {
  const submission = submissionOf(letter);
  const token = peekUnverifiedToken(submission?.sdJwt);
  const agency = submission?.originatorAgency ?? null;
  return {
    stage: 'worker',
    reasonCode: letter.reasonCode,
    status: null,
    agency,
    // The envelope names the agency the gateway authenticated, but the record
    // itself is not signed: anyone who can write the topic could name anyone.
    attribution: agency === null ? 'unknown' : 'claimed',
    keyId: null,
    messageKeyId: token.kid,
    messageId: letter.messageId ?? submission?.messageId ?? token.messageId,
    correlationId: submission?.correlationId ?? null,
    source: `${letter.sourceTopic}/${letter.sourcePartition}/${letter.sourceOffset}`,
    refusedAt: letter.failedAt,
  };
}

/** Names the source record and the failure: the same letter delivered again has the same key. */
export function deadLetterEventKey(letter: DeadLetter): string {
  return `dead-letter:${letter.sourceTopic}:${letter.sourcePartition}:${letter.sourceOffset}:${letter.failedAt}`;
}

export function deadLetterLogEntry(letter: DeadLetter): LeLogEntry & { eventKey: string } {
  return { ...refusalLogEntry(deadLetterRefusal(letter)), eventKey: deadLetterEventKey(letter) };
}

/** A record on the dead-letter topic that is not a DeadLetter: recorded by its position. */
export function undecodableDeadLetterEntry(raw: {
  topic: string;
  partition: number;
  offset: string;
}): LeLogEntry & { eventKey: string } {
  const entry = refusalLogEntry(
    unattributedRefusal({
      stage: 'worker',
      reasonCode: 'dead-letter.undecodable',
      status: null,
      source: `${raw.topic}/${raw.partition}/${raw.offset}`,
      refusedAt: new Date().toISOString(),
    }),
  );
  return { ...entry, eventKey: `dead-letter-record:${raw.topic}:${raw.partition}:${raw.offset}` };
}

export interface DeadLetterLogOptions {
  readonly groupId?: string;
  readonly topic?: string;
  readonly onRecorded?: (written: number, seen: number) => void;
}

export class DeadLetterLog {
  private readonly consumer: TypedConsumer<DeadLetter>;

  constructor(
    kafka: Kafka,
    private readonly ds: DataSource,
    private readonly options: DeadLetterLogOptions = {},
  ) {
    this.consumer = new TypedConsumer<DeadLetter>(kafka, {
      groupId: options.groupId ?? groupId(DEAD_LETTER_LOG_GROUP),
      topics: [options.topic ?? Topic.deadLetters],
      codec: codecFor('DeadLetter'),
      fromBeginning: true,
      onUndecodable: async (raw) => {
        await this.record([undecodableDeadLetterEntry(raw)]);
      },
    });
  }

  start(): Promise<void> {
    return this.consumer.start((batch) => this.handle(batch));
  }

  /** A failed insert throws: kafkajs retries the batch, offsets stay uncommitted. */
  async handle(batch: readonly ConsumedRecord<DeadLetter>[]): Promise<void> {
    await this.record(batch.map((r) => deadLetterLogEntry(r.value)));
  }

  private async record(entries: readonly (LeLogEntry & { eventKey: string })[]): Promise<void> {
    const written = await appendLeLogOnce(this.ds, entries);
    this.options.onRecorded?.(written, entries.length);
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
