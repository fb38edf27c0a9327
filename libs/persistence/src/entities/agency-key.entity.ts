/** A public key an agency registered; private keys never reach the hub's database. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'agency_key' })
export class AgencyKeyEntity {
  @PrimaryColumn('text', { name: 'agency_id' }) agencyId!: string;
  @PrimaryColumn('text') kid!: string;
  @Column('text') use!: 'sig' | 'enc';
  @Column('text') alg!: string;
  @Column('jsonb', { name: 'public_jwk' }) publicJwk!: Record<string, unknown>;
  @Column('timestamptz', { name: 'not_before' }) notBefore!: Date;
  @Column('timestamptz', { name: 'not_after', nullable: true }) notAfter!: Date | null;
  @Column('text') status!: 'active' | 'retired' | 'revoked';
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
