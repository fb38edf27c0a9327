/** An officer's enrolled public key and the roles the enrolment grants. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'officer_key' })
export class OfficerKeyEntity {
  @PrimaryColumn('text', { name: 'agency_id' }) agencyId!: string;
  @PrimaryColumn('text') kid!: string;
  @Column('text', { name: 'officer_id' }) officerId!: string;
  @Column('text') alg!: string;
  @Column('jsonb', { name: 'public_jwk' }) publicJwk!: Record<string, unknown>;
  @Column('jsonb') roles!: string[];
  @Column('text') status!: 'active' | 'revoked';
  @Column('timestamptz', { name: 'enrolled_at' }) enrolledAt!: Date;
  @Column('text', { name: 'enrolled_by' }) enrolledBy!: string;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('text', { name: 'revoked_by', nullable: true }) revokedBy!: string | null;
}
