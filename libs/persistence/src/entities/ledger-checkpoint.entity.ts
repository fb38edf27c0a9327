/** A hub-signed statement of the ledger tree's size and root at a moment. */
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'ledger_checkpoint' })
export class LedgerCheckpointEntity {
  @PrimaryColumn('bigint', { name: 'tree_size' }) treeSize!: string;
  @Column('text', { name: 'root_hash' }) rootHash!: string;
  @Column('text') jws!: string;
  @Column('timestamptz', { name: 'issued_at', default: () => 'now()' }) issuedAt!: Date;
}
