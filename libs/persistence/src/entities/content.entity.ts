/** Shared content, kept only for the retention period; ledger rows and hashes outlive it. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'message_content' })
export class MessageContentEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @Column('text', { name: 'sd_jwt' }) sdJwt!: string;
  @Column('timestamptz', { name: 'retain_until' }) retainUntil!: Date;
}

@Entity({ name: 'delivery_content' })
export class DeliveryContentEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @PrimaryColumn('text', { name: 'recipient_agency' }) recipientAgency!: string;
  /** Rows written before the by-reference migration; later ones keep the indices instead. */
  @Column('text', { nullable: true }) presentation!: string | null;
  /** The presentation is the originator's issuer JWT and the disclosures at these indices. */
  @Column('int', { name: 'disclosure_indices', array: true, nullable: true })
  disclosureIndices!: number[] | null;
  @Column('timestamptz', { name: 'retain_until' }) retainUntil!: Date;
}
