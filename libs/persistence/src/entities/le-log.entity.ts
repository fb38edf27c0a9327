/**
 * Law-enforcement processing log (collection, alteration, consultation, disclosure,
 * combination, erasure, and refusal of an agency's request): who did what, when,
 * why, to which subject. Append-only.
 */
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type LeLogAction =
  | 'COLLECTION'
  | 'ALTERATION'
  | 'CONSULTATION'
  | 'DISCLOSURE'
  | 'COMBINATION'
  | 'ERASURE'
  | 'REFUSAL';

@Entity({ name: 'le_log' })
export class LeLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('timestamptz', { default: () => 'now()' }) at!: Date;
  @Column('text') actor!: string;
  @Column('text') action!: LeLogAction;
  @Column('text') subject!: string;
  @Column('text') justification!: string;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
  /** Unique where set: an entry written from a redelivered record is written once. */
  @Column('text', { name: 'event_key', nullable: true }) eventKey!: string | null;
}
