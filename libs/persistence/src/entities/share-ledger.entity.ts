/** One row per delivery or denial, append-only, a leaf of the ledger's Merkle tree. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'share_ledger' })
export class ShareLedgerEntity {
  @PrimaryColumn('bigint') seq!: string;
  @Column('text', { name: 'leaf_hash' }) leafHash!: string;
  @Column('uuid', { name: 'message_id' }) messageId!: string;
  @Column('text') kind!: string;
  @Column('text', { name: 'message_type' }) messageType!: string;
  @Column('text', { name: 'case_ref', nullable: true }) caseRef!: string | null;
  @Column('text', { name: 'originator_agency' }) originatorAgency!: string;
  @Column('text', { name: 'originator_jurisdiction' }) originatorJurisdiction!: string;
  @Column('text', { name: 'recipient_agency' }) recipientAgency!: string;
  @Column('text', { name: 'recipient_jurisdiction' }) recipientJurisdiction!: string;
  @Column('text') decision!: 'FULL' | 'REDACTED' | 'DENIED';
  @Column('jsonb') rules!: string[];
  @Column('jsonb', { name: 'disclosed_paths' }) disclosedPaths!: string[];
  @Column('jsonb') withheld!: { path: string; ruleId: string }[];
  @Column('text', { name: 'policy_version' }) policyVersion!: string;
  @Column('text', { name: 'presentation_digest', nullable: true }) presentationDigest!:
    string | null;
  @Column('boolean') custodial!: boolean;
  @Column('timestamptz', { name: 'decided_at' }) decidedAt!: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt!: Date;
}
