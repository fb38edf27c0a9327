/**
 * Pictures of links (pure): never a selector value, only who holds linked
 * messages under which case handles.
 * - agencyLinkGraph: an agency's own link notices as a graph of agencies and
 *   case handles (its handles joined to the counterparts' by the links found).
 * - linkOverview: for oversight, the hits the hub found between agencies,
 *   counted per pair of agencies and per selector kind, every count about
 *   agencies through small-count suppression (@liaison/small-counts).
 */
import { SMALL_COUNT_THRESHOLD, suppressColumn, type Cell } from '@liaison/small-counts';

/** One link notice as its recipient reads it, with the handle of its own message. */
export interface LinkNoticeView {
  readonly noticeId: string;
  readonly messageId: string;
  /** The recipient's own case handle for its message; null when it gave none. */
  readonly caseHandle: string | null;
  readonly counterpartAgency: string;
  readonly counterpartCaseHandle: string | null;
  readonly kinds: readonly string[];
  readonly strength: string;
  readonly counterpartTlp: string;
  readonly rules: readonly string[];
  readonly foundAt: string;
}

export type GraphNodeKind = 'AGENCY' | 'CASE';

export interface GraphNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** The agency (for a case node: the agency holding the handle). */
  readonly agency: string;
  readonly label: string;
  /** The reader's own agency or one of its handles. */
  readonly own: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** HOLDS: an agency holds a case handle; LINK: messages under the two share selectors. */
  readonly kind: 'HOLDS' | 'LINK';
  readonly selectorKinds: readonly string[];
  /** EXACT when any of the links is exact, else POSSIBLE; null for HOLDS and for counts. */
  readonly strength: 'EXACT' | 'POSSIBLE' | null;
  /** How many links (notices, or for oversight hits) the edge stands for. */
  readonly count: Cell;
}

export interface LinkGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const agencyNode = (agency: string): string => `agency:${agency}`;

/** A case node: the handle, or the message for a message filed under none. */
function caseNode(agency: string, handle: string | null, messageId: string): [string, string] {
  return handle === null
    ? [`message:${agency}:${messageId}`, `message ${messageId.slice(0, 8)} (no case handle)`]
    : [`case:${agency}:${handle}`, handle];
}

const byId = <T extends { readonly id: string }>(a: T, b: T): number => a.id.localeCompare(b.id);

/** The graph of `agency`'s link notices. */
export function agencyLinkGraph(agency: string, notices: readonly LinkNoticeView[]): LinkGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<
    string,
    {
      from: string;
      to: string;
      kind: 'HOLDS' | 'LINK';
      kinds: Set<string>;
      exact: boolean;
      n: number;
    }
  >();
  const node = (n: GraphNode): string => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
    return n.id;
  };
  const edge = (
    from: string,
    to: string,
    kind: 'HOLDS' | 'LINK',
    kinds: readonly string[],
    exact: boolean,
  ): void => {
    const key = `${kind}|${from}|${to}`;
    const e = edges.get(key) ?? { from, to, kind, kinds: new Set<string>(), exact: false, n: 0 };
    for (const k of kinds) e.kinds.add(k);
    e.exact ||= exact;
    e.n += 1;
    edges.set(key, e);
  };
  const me = node({ id: agencyNode(agency), kind: 'AGENCY', agency, label: agency, own: true });
  for (const n of notices) {
    const [ownId, ownLabel] = caseNode(agency, n.caseHandle, n.messageId);
    const own = node({ id: ownId, kind: 'CASE', agency, label: ownLabel, own: true });
    const them = node({
      id: agencyNode(n.counterpartAgency),
      kind: 'AGENCY',
      agency: n.counterpartAgency,
      label: n.counterpartAgency,
      own: false,
    });
    // A counterpart that gave no handle: the link reaches its agency only.
    const theirs =
      n.counterpartCaseHandle === null
        ? them
        : node({
            id: `case:${n.counterpartAgency}:${n.counterpartCaseHandle}`,
            kind: 'CASE',
            agency: n.counterpartAgency,
            label: n.counterpartCaseHandle,
            own: false,
          });
    edge(me, own, 'HOLDS', [], false);
    if (theirs !== them) edge(them, theirs, 'HOLDS', [], false);
    edge(own, theirs, 'LINK', n.kinds, n.strength === 'EXACT');
  }
  return {
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()]
      .map((e): GraphEdge => ({
        from: e.from,
        to: e.to,
        kind: e.kind,
        selectorKinds: [...e.kinds].sort(),
        strength: e.kind === 'HOLDS' ? null : e.exact ? 'EXACT' : 'POSSIBLE',
        count: e.kind === 'HOLDS' ? 1 : e.n,
      }))
      .sort((a, b) => `${a.kind}${a.from}${a.to}`.localeCompare(`${b.kind}${b.from}${b.to}`)),
  };
}

/**
 * One hit the hub found, one side of it (the law-enforcement log's COMBINATION
 * entry): `learner` would be told of `holder`'s message; NOTIFIED or DENIED.
 */
export interface LinkHitSide {
  readonly learnerAgency: string;
  readonly learnerMessageId: string;
  readonly holderAgency: string;
  readonly holderMessageId: string;
  readonly kinds: readonly string[];
  readonly strength: string;
  readonly outcome: 'NOTIFIED' | 'DENIED';
}

export interface AgencyPairLinks {
  readonly agencies: readonly [string, string];
  /** Distinct pairs of linked messages between the two agencies. */
  readonly links: Cell;
  /** Sides told of the link (link notices sent). */
  readonly notified: Cell;
  /** Sides not told, the links rules or the message's marks denying it. */
  readonly denied: Cell;
}

export interface LinkOverview {
  readonly smallCountThreshold: number;
  readonly pairs: readonly AgencyPairLinks[];
  readonly byKind: readonly { readonly kind: string; readonly links: Cell }[];
  readonly totals: { readonly links: Cell; readonly notified: Cell; readonly denied: Cell };
  readonly graph: LinkGraph;
}

/** Aggregates hit sides for oversight: counts only, small ones suppressed. */
export function linkOverview(
  sides: readonly LinkHitSide[],
  threshold: number = SMALL_COUNT_THRESHOLD,
): LinkOverview {
  const pairs = new Map<
    string,
    { agencies: [string, string]; links: Set<string>; notified: number; denied: number }
  >();
  const kindLinks = new Map<string, Set<string>>();
  for (const s of sides) {
    const agencies = [s.learnerAgency, s.holderAgency].sort() as [string, string];
    const pairKey = agencies.join('|');
    const linkKey = [s.learnerMessageId, s.holderMessageId].sort().join('|');
    const p = pairs.get(pairKey) ?? { agencies, links: new Set(), notified: 0, denied: 0 };
    p.links.add(linkKey);
    if (s.outcome === 'NOTIFIED') p.notified += 1;
    else p.denied += 1;
    pairs.set(pairKey, p);
    for (const kind of s.kinds) {
      const set = kindLinks.get(kind) ?? new Set<string>();
      set.add(linkKey);
      kindLinks.set(kind, set);
    }
  }
  const rows = [...pairs.entries()].sort(([a], [b]) => a.localeCompare(b));
  const column = (pick: (p: (typeof rows)[number][1]) => number) =>
    suppressColumn(
      rows.map(([key, p]) => ({ key, value: pick(p), own: false })),
      threshold,
    );
  const links = column((p) => p.links.size);
  const notified = column((p) => p.notified);
  const denied = column((p) => p.denied);
  const kinds = [...kindLinks.entries()].sort(([a], [b]) => a.localeCompare(b));
  const byKind = suppressColumn(
    kinds.map(([kind, set]) => ({ key: kind, value: set.size, own: false })),
    threshold,
  );
  const cell = (c: { cells: ReadonlyMap<string, Cell> }, key: string): Cell =>
    c.cells.get(key) ?? 0;
  const agencies = [...new Set(rows.flatMap(([, p]) => p.agencies))].sort();
  return {
    smallCountThreshold: threshold,
    pairs: rows.map(([key, p]) => ({
      agencies: p.agencies,
      links: cell(links, key),
      notified: cell(notified, key),
      denied: cell(denied, key),
    })),
    byKind: kinds.map(([kind]) => ({ kind, links: cell(byKind, kind) })),
    totals: { links: links.total, notified: notified.total, denied: denied.total },
    graph: {
      nodes: agencies.map((a) => ({
        id: agencyNode(a),
        kind: 'AGENCY',
        agency: a,
        label: a,
        own: false,
      })),
      edges: rows.map(([key, p]) => ({
        from: agencyNode(p.agencies[0]),
        to: agencyNode(p.agencies[1]),
        kind: 'LINK',
        selectorKinds: [],
        strength: null,
        count: cell(links, key),
      })),
    },
  };
}
