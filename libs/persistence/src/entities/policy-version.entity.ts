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
}
