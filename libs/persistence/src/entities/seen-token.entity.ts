/** A token or message id already used, kept until it expires: the replay store. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'seen_token' })
export class SeenTokenEntity {
  @PrimaryColumn('text') issuer!: string;
  @PrimaryColumn('text') jti!: string;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('text', { default: '' }) source!: string;
}
