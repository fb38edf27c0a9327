/** A named group of jurisdictions (EU, ASEAN, ...) that rules can target. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'jurisdiction_group' })
export class JurisdictionGroupEntity {
  @PrimaryColumn('text') id!: string;
  @Column('jsonb') jurisdictions!: string[];
}
