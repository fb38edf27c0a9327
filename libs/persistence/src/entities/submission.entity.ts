/** An accepted submission and its processing status (the 202 status URL reads this). */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'submission' })
export class SubmissionEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @Column('text', { name: 'originator_agency' }) originatorAgency!: string;
  @Column('text') kind!: string;
  @Column('text', { name: 'message_type' }) messageType!: string;
  @Column('text', { name: 'case_ref', nullable: true }) caseRef!: string | null;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('boolean') custodial!: boolean;
  @Column('text') status!: string;
  @Column('timestamptz', { name: 'received_at', default: () => 'now()' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
}
