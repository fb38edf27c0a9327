/** A registered agency: who it is, where, what it is accredited for. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'agency' })
export class AgencyEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text') jurisdiction!: string;
  @Column('text') kind!: string;
  @Column('text', { default: 'ACTIVE' }) status!: string;
  @Column('jsonb', { default: [] }) accreditations!: string[];
  @Column('jsonb', { name: 'accepted_purposes', default: [] }) acceptedPurposes!: string[];
  @Column('integer', { name: 'retention_days', default: 365 }) retentionDays!: number;
  @Column('jsonb', { default: [] }) groups!: string[];
  @Column('boolean', { default: false }) custodial!: boolean;
  @Column('jsonb', { name: 'grantable_roles' }) grantableRoles!: string[];
  @Column('boolean', { name: 'receives_feed', default: true }) receivesFeed!: boolean;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
