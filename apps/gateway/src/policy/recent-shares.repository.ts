/**
 * The latest messages of a jurisdiction's agencies whose content the hub still
 * keeps (message_content, within retention): what a draft policy is replayed over.
 */
import type { DataSource } from 'typeorm';
import type { MessageKind } from '@liaison/contracts';

export interface RecentShare {
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly originatorAgency: string;
  readonly sdJwt: string;
}

export class RecentSharesRepository {
  constructor(private readonly ds: DataSource) {}

  /** Newest first, at most `limit`, of messages published by `agencies`. */
  async latest(agencies: readonly string[], limit: number): Promise<RecentShare[]> {
    if (agencies.length === 0) return [];
    const rows = await this.ds.query<
      { message_id: string; kind: string; originator_agency: string; sd_jwt: string }[]
    >(
      `SELECT s.message_id, s.kind, s.originator_agency, m.sd_jwt
       FROM message_content m JOIN submission s ON s.message_id = m.message_id
       WHERE s.originator_agency = ANY($1)
       ORDER BY s.received_at DESC, s.message_id
       LIMIT $2`,
      [agencies, limit],
    );
    return rows
      .filter((r) => r.kind === 'ALERT' || r.kind === 'CASE_NOTICE')
      .map((r) => ({
        messageId: r.message_id,
        kind: r.kind as MessageKind,
        originatorAgency: r.originator_agency,
        sdJwt: r.sd_jwt,
      }));
  }
}
