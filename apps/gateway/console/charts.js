/**
 * Charts as inline SVG, drawn here (no library, no network). Each chart has a
 * <title>/<desc> for screen readers and a data table under "Show the numbers".
 * Colours: the Okabe–Ito palette (distinguishable with colour-vision deficiency),
 * and every series is named in a legend too.
 */
import { h, s } from './dom.js';

export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#444444',
  '#8C6D1F',
];

const WIDTH = 640;
let chartCounter = 0;

function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function ticks(max, count = 4) {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** An accessible SVG figure of the console's width: its title and description, then the content. */
export function chartFrame({ title, desc, height, testid, className = 'chart' }, ...content) {
  const id = `chart-${++chartCounter}`;
  return s(
    'svg',
    {
      class: className,
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      'data-testid': testid,
    },
    s('title', { id: `${id}-title` }, title),
    s('desc', { id: `${id}-desc` }, desc),
    ...content,
  );
}

function dataTable(caption, head, rows) {
  return h(
    'details.chart-data',
    null,
    h('summary', null, 'Show the numbers'),
    h(
      'table.data-table',
      null,
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          head.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', null, c))),
          ),
        ),
      ),
    ),
  );
}

function legend(names) {
  return h(
    'ul.legend',
    { 'aria-label': 'Legend' },
    names.map((name, i) =>
      h('li', null, h(`span.swatch.swatch-${i % PALETTE.length}`, { 'aria-hidden': 'true' }), name),
    ),
  );
}

function empty(message) {
  return h('p.chart-empty', { role: 'status' }, message);
}

/**
 * Stacked vertical bars: one bar per period, one segment per series.
 * data = { periods: ['2025-03-10', ...], series: [{ name: 'DE', values: [n per period] }] }
 */
export function stackedBars({ title, desc, yLabel, xLabel, data, testid }) {
  const { periods, series } = data;
  if (periods.length === 0 || series.length === 0) return empty('No shares in this period.');
  const height = 300;
  const m = { top: 16, right: 16, bottom: 56, left: 56 };
  const plotW = WIDTH - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const totals = periods.map((_, p) => series.reduce((sum, ser) => sum + (ser.values[p] ?? 0), 0));
  const max = niceMax(Math.max(...totals));
  const band = plotW / periods.length;
  const barW = Math.max(4, Math.min(48, band * 0.7));
  const y = (v) => m.top + plotH - (v / max) * plotH;
  const every = Math.ceil(periods.length / 10);
  const parts = [];
  for (const t of ticks(max)) {
    parts.push(
      s('line', { class: 'grid', x1: m.left, x2: WIDTH - m.right, y1: y(t), y2: y(t) }),
      s('text', { class: 'tick', x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, fmt(t)),
    );
  }
  periods.forEach((period, p) => {
    const x = m.left + band * p + (band - barW) / 2;
    let base = 0;
    series.forEach((ser, i) => {
      const v = ser.values[p] ?? 0;
      if (v <= 0) return;
      parts.push(
        s(
          'rect',
          {
            x,
            y: y(base + v),
            width: barW,
            height: y(base) - y(base + v),
            fill: PALETTE[i % PALETTE.length],
          },
          s('title', null, `${period} · ${ser.name}: ${v}`),
        ),
      );
      base += v;
    });
    if (p % every === 0)
      parts.push(
        s(
          'text',
          { class: 'tick', x: x + barW / 2, y: m.top + plotH + 16, 'text-anchor': 'middle' },
          shortPeriod(period),
        ),
      );
  });
  parts.push(
    s('line', {
      class: 'axis',
      x1: m.left,
      x2: WIDTH - m.right,
      y1: m.top + plotH,
      y2: m.top + plotH,
    }),
    s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: m.top + plotH }),
    s(
      'text',
      { class: 'axis-label', x: m.left + plotW / 2, y: height - 10, 'text-anchor': 'middle' },
      xLabel,
    ),
    s(
      'text',
      {
        class: 'axis-label',
        transform: `translate(14 ${m.top + plotH / 2}) rotate(-90)`,
        'text-anchor': 'middle',
      },
      yLabel,
    ),
  );
  return h(
    'div.chart-block',
    null,
    chartFrame({ title, desc, height, testid }, ...parts),
    legend(series.map((ser) => ser.name)),
    dataTable(
      title,
      ['Period', ...series.map((ser) => ser.name), 'Total'],
      periods.map((period, p) => [
        period,
        ...series.map((ser) =>
          ser.values[p] === null ? '<5 (suppressed)' : fmt(ser.values[p] ?? 0),
        ),
        fmt(totals[p]),
      ]),
    ),
  );
}

/**
 * Horizontal bars, one row per item; `groups` draws several bars per row.
 * items = [{ label, values: [number|null], notes?: [string] }]; null = suppressed.
 */
export function horizontalBars({ title, desc, xLabel, items, groups, percent, testid }) {
  if (items.length === 0) return empty('Nothing to show yet.');
  const groupNames = groups ?? [''];
  const barH = 16;
  const gap = 4;
  const rowH = groupNames.length * (barH + gap) + 12;
  const m = { top: 12, right: 72, bottom: 44, left: 150 };
  const plotW = WIDTH - m.left - m.right;
  const height = m.top + m.bottom + items.length * rowH;
  const plotBottom = height - m.bottom;
  const max = percent
    ? 1
    : niceMax(Math.max(1, ...items.flatMap((it) => it.values.map((v) => v ?? 0))));
  const x = (v) => m.left + (v / max) * plotW;
  const show = (v) => (v === null || v === undefined ? 'suppressed' : percent ? pct(v) : fmt(v));
  const parts = [];
  for (const t of ticks(max)) {
    parts.push(
      s('line', { class: 'grid', x1: x(t), x2: x(t), y1: m.top, y2: plotBottom }),
      s(
        'text',
        { class: 'tick', x: x(t), y: plotBottom + 16, 'text-anchor': 'middle' },
        percent ? pct(t) : fmt(t),
      ),
    );
  }
  items.forEach((item, r) => {
    const top = m.top + r * rowH + 6;
    parts.push(
      s(
        'text',
        {
          class: 'row-label',
          x: m.left - 8,
          y: top + (groupNames.length * (barH + gap)) / 2 + 2,
          'text-anchor': 'end',
        },
        truncate(item.label, 22),
        s('title', null, item.label),
      ),
    );
    groupNames.forEach((group, g) => {
      const v = item.values[g];
      const yTop = top + g * (barH + gap);
      const label = `${item.label}${group ? ` · ${group}` : ''}: ${show(v)}${item.notes?.[g] ? ` (${item.notes[g]})` : ''}`;
      if (v === null || v === undefined) {
        parts.push(
          s(
            'rect',
            { class: 'suppressed', x: m.left, y: yTop, width: plotW * 0.02 + 2, height: barH },
            s('title', null, label),
          ),
          s(
            'text',
            { class: 'value', x: m.left + plotW * 0.02 + 8, y: yTop + barH - 4 },
            'suppressed (small count)',
          ),
        );
        return;
      }
      parts.push(
        s(
          'rect',
          {
            x: m.left,
            y: yTop,
            width: Math.max(1, x(v) - m.left),
            height: barH,
            fill: PALETTE[g % PALETTE.length],
          },
          s('title', null, label),
        ),
        s('text', { class: 'value', x: x(v) + 6, y: yTop + barH - 4 }, show(v)),
      );
    });
  });
  parts.push(
    s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: plotBottom }),
    s('line', { class: 'axis', x1: m.left, x2: WIDTH - m.right, y1: plotBottom, y2: plotBottom }),
    s(
      'text',
      { class: 'axis-label', x: m.left + plotW / 2, y: height - 8, 'text-anchor': 'middle' },
      xLabel,
    ),
  );
  const head = ['', ...groupNames.map((g) => g || xLabel)];
  head[0] = 'Item';
  return h(
    'div.chart-block',
    null,
    chartFrame({ title, desc, height, testid }, ...parts),
    groups ? legend(groups) : null,
    dataTable(
      title,
      head,
      items.map((item) => [
        item.label,
        ...groupNames.map(
          (_, g) => `${show(item.values[g])}${item.notes?.[g] ? ` (${item.notes[g]})` : ''}`,
        ),
      ]),
    ),
  );
}

function fmt(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function pct(v) {
  return `${Math.round(v * 100)}%`;
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function shortPeriod(period) {
  // 2025-03-14T00:00:00.000Z → 03-14; 2025-W11 stays
  const m = /^\d{4}-(\d{2}-\d{2})/.exec(period);
  return m ? m[1] : period;
}
