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
import { FeedRepository, caseHandlesOf, combinationEntries } from '@liaison/persistence';
import { DATA_SOURCE } from '../tokens';

const linkNoticeCodec = codecFor('LinkNotice');

export interface AgencyLinkNotices {
  readonly agency: string;
  readonly notices: readonly LinkNoticeView[];
  /** More notices exist than `limit`: the oldest are not shown. */
  readonly truncated: boolean;
  /** The next page's cursor (older notices); null: no more. */
  readonly nextCursor: string | null;
  /** How many notices the agency's feed holds in all. */
  readonly total: number;
  readonly graph: LinkGraph;
}

export interface LinkOverviewAnswer extends LinkOverview {
  readonly from: string;
  readonly to: string;
}

@Injectable()
export class LinkViewsService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** The agency's notices, newest first, older than `cursor` (a notice's feed id) when given. */
  async notices(agency: string, limit: number, cursor?: number): Promise<AgencyLinkNotices> {
    const feed = new FeedRepository(this.ds);
    const [page, total] = await Promise.all([
      feed.linkNoticesBefore(agency, limit, cursor),
      feed.linkNoticeCount(agency),
    ]);
    const decoded = page.rows.map((r) => linkNoticeCodec.decode(r.record));
    const handles = await caseHandlesOf(
      this.ds,
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
      truncated: page.more,
      nextCursor: page.more ? (page.rows[page.rows.length - 1]?.id ?? null) : null,
      total,
      graph: agencyLinkGraph(agency, notices),
    };
  }

  async overview(from: Date, to: Date): Promise<LinkOverviewAnswer> {
    const rows = await combinationEntries(this.ds, from, to);
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
