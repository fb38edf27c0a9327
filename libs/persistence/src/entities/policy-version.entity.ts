/** One version of a jurisdiction's sharing policy: a draft until a second officer approves it. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'policy_version' })
export class PolicyVersionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') jurisdiction!: string;
  @Column('text') version!: string;
  @Column('jsonb') document!: Record<string, unknown>;
  @Column('text') status!: 'draft' | 'approved' | 'rejected' | 'superseded';
  @Column('text', { name: 'author_officer' }) authorOfficer!: string;
  @Column('text', { name: 'author_agency' }) authorAgency!: string;
  @Column('text', { name: 'approver_officer', nullable: true }) approverOfficer!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt!: Date | null;
  /** The officer keys that signed the draft and the decision (null for seeded versions). */
  @Column('text', { name: 'author_kid', nullable: true }) authorKid!: string | null;
  /** Who approved or rejected (approver_officer names approvers only). */
  @Column('text', { name: 'decider_officer', nullable: true }) deciderOfficer!: string | null;
  @Column('text', { name: 'decider_kid', nullable: true }) deciderKid!: string | null;
  @Column('text', { name: 'decision_reason', nullable: true }) decisionReason!: string | null;
  /** officer_statement seq of the signed draft and decision statements. */
  @Column('bigint', { name: 'draft_statement', nullable: true }) draftStatement!: string | null;
  @Column('bigint', { name: 'decision_statement', nullable: true })
  decisionStatement!: string | null;
}
