/** A delivery as stored for an agency's feed (its Kafka record, Avro); `id` is the feed cursor. */
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'feed_entry' })
export class FeedEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text', { name: 'agency_id' }) agencyId!: string;
  @Column('uuid', { name: 'message_id' }) messageId!: string;
  @Column('bigint', { name: 'kafka_offset' }) kafkaOffset!: string;
  @Column('bytea') record!: Buffer;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
