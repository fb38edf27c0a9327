/** A case notice's metadata, for resolution and victim-referral metrics. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'case_event' })
export class CaseEventEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @Column('text', { name: 'originator_agency' }) originatorAgency!: string;
  @Column('text') jurisdiction!: string;
  @Column('text', { name: 'case_ref', nullable: true }) caseRef!: string | null;
  @Column('text', { name: 'notice_type' }) noticeType!: string;
  @Column('text', { nullable: true }) outcome!: string | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
}
