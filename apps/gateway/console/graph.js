/**
 * A graph of agencies and case handles joined by links, as inline SVG (no
 * library). Layout is deterministic: in `columns` the reader's agency, its case
 * handles, the counterparts' handles and the counterpart agencies stand in four
 * columns; in `circle` (agencies only) the agencies stand on a circle. Every
 * node and edge has a <title>; the caller gives the table of the same data.
 */
import { h, s } from './dom.js';
import { PALETTE, chartFrame } from './charts.js';

const WIDTH = 640;
const ROW = 58;

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function column(node) {
  if (node.kind === 'AGENCY') return node.own ? 0 : 3;
  return node.own ? 1 : 2;
}

function columnLayout(nodes) {
  const columns = [[], [], [], []];
  for (const n of nodes) columns[column(n)].push(n);
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const height = rows * ROW + 40;
  const xs = [60, 226, 414, 580];
  const at = new Map();
  columns.forEach((list, c) => {
    const gap = (height - 40) / list.length;
    list.forEach((n, i) => at.set(n.id, { x: xs[c], y: 20 + gap * (i + 0.5) }));
  });
  return { at, height };
}

function circleLayout(nodes) {
  const height = Math.max(260, Math.min(520, 120 + nodes.length * 30));
  const r = height / 2 - 40;
  const at = new Map();
  nodes.forEach((n, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, nodes.length);
    at.set(n.id, { x: WIDTH / 2 + r * 1.6 * Math.cos(angle), y: height / 2 + r * Math.sin(angle) });
  });
  return { at, height };
}

function countText(count) {
  return count === 'suppressed' ? '<5' : String(count);
}

function edgeElement(edge, from, to, showCount) {
  const link = edge.kind === 'LINK';
  const label = link
    ? [
        edge.selectorKinds.join(', '),
        edge.strength ? edge.strength.toLowerCase() : '',
        showCount || edge.count !== 1 ? `×${countText(edge.count)}` : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  const title = link
    ? `${edge.from.replace(/^\w+:/, '')} ↔ ${edge.to.replace(/^\w+:/, '')}: ${label || 'linked'}${edge.count === 'suppressed' ? ' (small count suppressed)' : ''}`
    : `${edge.from.replace(/^\w+:/, '')} holds ${edge.to.replace(/^\w+:/, '')}`;
  return s(
    'g',
    {
      class: `graph-edge edge-${edge.kind.toLowerCase()}${edge.strength === 'POSSIBLE' ? ' edge-possible' : ''}`,
      'data-testid': link ? 'graph-link' : 'graph-holds',
      'data-from': edge.from,
      'data-to': edge.to,
      'data-count': String(edge.count),
    },
    s('title', null, title),
    s('line', { x1: from.x, y1: from.y, x2: to.x, y2: to.y }),
    label
      ? s(
          'text',
          {
            class: 'edge-label',
            x: (from.x + to.x) / 2,
            y: (from.y + to.y) / 2 - 18,
            'text-anchor': 'middle',
          },
          label,
        )
      : null,
  );
}

function nodeElement(node, p) {
  const agency = node.kind === 'AGENCY';
  const w = agency ? 108 : 150;
  const h = agency ? 30 : 26;
  return s(
    'g',
    {
      class: `graph-node node-${node.kind.toLowerCase()}${node.own ? ' node-own' : ''}`,
      'data-testid': 'graph-node',
      'data-id': node.id,
      'data-kind': node.kind,
    },
    s(
      'title',
      null,
      agency ? `Agency ${node.label}` : `${node.agency}: ${node.label}`,
      node.own ? ' (yours)' : '',
    ),
    s('rect', {
      x: p.x - w / 2,
      y: p.y - h / 2,
      width: w,
      height: h,
      rx: agency ? 4 : h / 2,
      fill: agency ? (node.own ? PALETTE[0] : PALETTE[6]) : '#ffffff',
    }),
    s(
      'text',
      { x: p.x, y: p.y + 4, 'text-anchor': 'middle', class: 'node-label' },
      truncate(node.label, agency ? 14 : 20),
    ),
  );
}

/**
 * graph = { nodes: [{ id, kind: AGENCY|CASE, agency, label, own }],
 *           edges: [{ from, to, kind: HOLDS|LINK, selectorKinds, strength, count }] }
 */
export function linkGraphSvg(graph, { title, desc, testid, layout = 'columns', showCount }) {
  const { at, height } =
    layout === 'circle' ? circleLayout(graph.nodes) : columnLayout(graph.nodes);
  const edges = graph.edges
    .filter((e) => at.has(e.from) && at.has(e.to))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'HOLDS' ? -1 : 1))
    .map((e) => edgeElement(e, at.get(e.from), at.get(e.to), showCount));
  const svg = chartFrame(
    { title, desc, height, testid, className: 'chart link-graph' },
    ...edges,
    ...graph.nodes.map((n) => nodeElement(n, at.get(n.id))),
  );
  // Scrolls sideways on a narrow screen rather than shrink its labels out of reading.
  return h('div.graph-wrap', null, svg);
}
