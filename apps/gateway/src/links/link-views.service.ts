/**
 * What the console's Links view reads, never a selector value:
 * - an agency's link notices (its feed's LINK_NOTICE entries, newest first),
 *   each with the case handle of the agency's own message (from the link
 *   index), and the graph of agencies and case handles they draw;
 * - for oversight, the hits the hub found between agencies (the
 *   law-enforcement log's COMBINATION entries, notified or denied), counted per
 *   pair of agencies and per selector kind with small counts suppressed.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { codecFor } from '@liaison/contracts';
import {
  agencyLinkGraph,
  linkOverview,
  type LinkGraph,
  type LinkHitSide,
  type LinkNoticeView,
  type LinkOverview,
} from '@liaison/links';
import { tlpLabel } from '@liaison/messages';
import { DATA_SOURCE } from '../tokens';

const linkNoticeCodec = codecFor('LinkNotice');

export interface AgencyLinkNotices {
  readonly agency: string;
  readonly notices: readonly LinkNoticeView[];
  /** More notices exist than `limit`: the oldest are not shown. */
  readonly truncated: boolean;
  readonly graph: LinkGraph;
}

export interface LinkOverviewAnswer extends LinkOverview {
  readonly from: string;
  readonly to: string;
}

@Injectable()
export class LinkViewsService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async notices(agency: string, limit: number): Promise<AgencyLinkNotices> {
    const rows: { id: string; record: Buffer }[] = await this.ds.query(
      `SELECT id, record FROM feed_entry
        WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE'
        ORDER BY id DESC LIMIT $2`,
      [agency, limit + 1],
    );
    const decoded = rows.slice(0, limit).map((r) => linkNoticeCodec.decode(r.record));
    const handles = await this.ownHandles(
      agency,
      decoded.map((n) => n.messageId),
    );
    const notices = decoded.map((n): LinkNoticeView => ({
      noticeId: n.noticeId,
      messageId: n.messageId,
      caseHandle: handles.get(n.messageId.toLowerCase()) ?? null,
      counterpartAgency: n.counterpartAgency,
      counterpartCaseHandle: n.counterpartCaseHandle,
      kinds: n.kinds,
      strength: n.strength,
      counterpartTlp: tlpLabel(n.counterpartTlp),
      rules: n.rules,
      foundAt: n.foundAt,
    }));
    return {
      agency,
      notices,
      truncated: rows.length > limit,
      graph: agencyLinkGraph(agency, notices),
    };
  }

  /** The agency's case handle for each of its messages, as the link index holds it. */
  private async ownHandles(
    agency: string,
    messageIds: readonly string[],
  ): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    const rows: { message_id: string; case_handle: string | null }[] = await this.ds.query(
      `SELECT DISTINCT ON (message_id) message_id::text AS message_id, case_handle
         FROM link_index
        WHERE agency_id = $1 AND message_id = ANY($2::uuid[]) AND case_handle IS NOT NULL
        ORDER BY message_id`,
      [agency, [...new Set(messageIds)]],
    );
    return new Map(rows.map((r) => [r.message_id, r.case_handle as string]));
  }

  async overview(from: Date, to: Date): Promise<LinkOverviewAnswer> {
    const rows: {
      learner: string | null;
      learner_message: string;
      holder: string | null;
      holder_message: string | null;
      kinds: unknown;
      strength: string | null;
      outcome: string | null;
    }[] = await this.ds.query(
      `SELECT details->>'learnerAgency' AS learner, subject AS learner_message,
              details->>'holderAgency' AS holder, details->>'holderMessageId' AS holder_message,
              details->'kinds' AS kinds, details->>'strength' AS strength,
              details->>'outcome' AS outcome
         FROM le_log
        WHERE action = 'COMBINATION' AND at >= $1 AND at <= $2`,
      [from.toISOString(), to.toISOString()],
    );
    const sides: LinkHitSide[] = [];
    for (const r of rows) {
      // A COMBINATION entry is the hub's own; one without these members is not a hit.
      if (r.learner === null || r.holder === null || r.holder_message === null) continue;
      if (r.outcome !== 'NOTIFIED' && r.outcome !== 'DENIED') continue;
      sides.push({
        learnerAgency: r.learner,
        learnerMessageId: r.learner_message,
        holderAgency: r.holder,
        holderMessageId: r.holder_message,
        kinds: Array.isArray(r.kinds) ? r.kinds.filter((k) => typeof k === 'string') : [],
        strength: r.strength ?? 'EXACT',
        outcome: r.outcome,
      });
    }
    return { from: from.toISOString(), to: to.toISOString(), ...linkOverview(sides) };
  }
}
