/**
 * A hand-written SVG plot of one run: left, throughput per fan-out as a ratio to
 * the transactional pass-through (absolute figures as labels); right,
 * publish→feed latency percentiles of hub and pass-through (log scale).
 */
import type { BenchResults } from '../run-all';
import { pipelineOf } from './targets';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number): string =>
  !Number.isFinite(x)
    ? '—'
    : x >= 10_000
      ? `${(x / 1000).toFixed(0)}k`
      : x >= 1000
        ? `${(x / 1000).toFixed(1)}k`
        : x.toFixed(0);

const COLORS = { tx: '#4c78a8', plain: '#9ecae9', hub: '#f58518', hubLight: '#ffbf79' };

export function renderSvg(results: BenchResults): string {
  const W = 960;
  const H = 420;
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, attrs = ''): void => {
    parts.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`);
  };
  const rect = (x: number, y: number, w: number, h: number, fill: string): void => {
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}"/>`,
    );
  };
  const lineAt = (
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    stroke = '#ccc',
    dash = '',
  ): void => {
    parts.push(
      `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
  };
  text(
    W / 2,
    22,
    `Liaison bench ${results.date}: hub vs raw kafkajs pass-through (same run)`,
    'text-anchor="middle" font-weight="bold" font-size="15"',
  );
  const p = pipelineOf(results);
  if (!p || p.fanOuts.length === 0) {
    text(W / 2, H / 2, 'no pipeline results in this run', 'text-anchor="middle"');
  } else {
    // Left panel: throughput ratio to the transactional pass-through.
    const L = { x: 60, y: 60, w: 380, h: 290 };
    const ratios = p.fanOuts.flatMap((r) => [
      r.baselineNonTx.deliveriesPerSec / r.baselineTx.deliveriesPerSec,
      r.hub.deliveriesPerSec / r.baselineTx.deliveriesPerSec,
      1,
    ]);
    const maxRatio = Math.max(1.2, ...ratios.filter(Number.isFinite)) * 1.1;
    const yOf = (v: number): number => L.y + L.h - (v / maxRatio) * L.h;
    text(
      L.x + L.w / 2,
      L.y - 14,
      'Throughput ÷ transactional pass-through (labels: records/s)',
      'text-anchor="middle" font-size="12"',
    );
    for (let t = 0; t <= maxRatio; t += maxRatio > 3 ? 1 : 0.25) {
      lineAt(L.x, yOf(t), L.x + L.w, yOf(t));
      text(L.x - 6, yOf(t) + 4, t.toFixed(2), 'text-anchor="end" font-size="10"');
    }
    lineAt(L.x, yOf(0.5), L.x + L.w, yOf(0.5), '#d62728', '4 3');
    lineAt(L.x, yOf(0.8), L.x + L.w, yOf(0.8), '#d62728', '2 2');
    text(L.x + L.w + 2, yOf(0.5) + 3, '0.5', 'font-size="9" fill="#d62728"');
    text(L.x + L.w + 2, yOf(0.8) + 3, '0.8', 'font-size="9" fill="#d62728"');
    const group = L.w / p.fanOuts.length;
    const bw = group / 4.5;
    p.fanOuts.forEach((r, i) => {
      const gx = L.x + i * group + group / 2 - 1.5 * bw;
      const bars: [number, number, string][] = [
        [1, r.baselineTx.deliveriesPerSec, COLORS.tx],
        [
          r.baselineNonTx.deliveriesPerSec / r.baselineTx.deliveriesPerSec,
          r.baselineNonTx.deliveriesPerSec,
          COLORS.plain,
        ],
        [
          r.hub.deliveriesPerSec / r.baselineTx.deliveriesPerSec,
          r.hub.deliveriesPerSec,
          COLORS.hub,
        ],
      ];
      bars.forEach(([v, abs, color], j) => {
        const x = gx + j * bw;
        const value = Number.isFinite(v) ? v : 0;
        rect(x + 2, yOf(value), bw - 4, L.y + L.h - yOf(value), color);
        text(x + bw / 2, yOf(value) - 4, fmt(abs), 'text-anchor="middle" font-size="9"');
      });
      text(
        L.x + i * group + group / 2,
        L.y + L.h + 16,
        `F = ${r.fanOut}`,
        'text-anchor="middle" font-size="12"',
      );
    });
    lineAt(L.x, L.y + L.h, L.x + L.w, L.y + L.h, '#333');

    // Right panel: latency percentiles, log scale.
    const R = { x: 540, y: 60, w: 380, h: 290 };
    const values = p.fanOuts
      .flatMap((r) => [
        r.hubLatency.p50Ms,
        r.hubLatency.p99Ms,
        r.hubLatency.p999Ms,
        r.baselineLatency.p50Ms,
        r.baselineLatency.p99Ms,
        r.baselineLatency.p999Ms,
      ])
      .filter((v) => Number.isFinite(v) && v > 0);
    const lo = Math.pow(10, Math.floor(Math.log10(Math.min(1, ...values))));
    const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...values))));
    const yLog = (v: number): number =>
      R.y +
      R.h -
      ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * R.h;
    text(
      R.x + R.w / 2,
      R.y - 14,
      'Publish→feed latency at 50% of hub max (ms, log scale)',
      'text-anchor="middle" font-size="12"',
    );
    for (let t = lo; t <= hi * 1.001; t *= 10) {
      lineAt(R.x, yLog(t), R.x + R.w, yLog(t));
      text(
        R.x - 6,
        yLog(t) + 4,
        t >= 1 ? t.toFixed(0) : String(t),
        'text-anchor="end" font-size="10"',
      );
    }
    const rg = R.w / p.fanOuts.length;
    const rbw = rg / 7.5;
    p.fanOuts.forEach((r, i) => {
      const series: [number, string, string][] = [
        [r.baselineLatency.p50Ms, COLORS.plain, 'p50'],
        [r.baselineLatency.p99Ms, COLORS.tx, 'p99'],
        [r.baselineLatency.p999Ms, '#2a4d75', 'p99.9'],
        [r.hubLatency.p50Ms, COLORS.hubLight, 'p50'],
        [r.hubLatency.p99Ms, COLORS.hub, 'p99'],
        [r.hubLatency.p999Ms, '#a34f00', 'p99.9'],
      ];
      const gx = R.x + i * rg + (rg - 6.5 * rbw) / 2;
      series.forEach(([v, color], j) => {
        const x = gx + j * rbw + (j >= 3 ? rbw / 2 : 0);
        rect(x + 1, yLog(v), rbw - 2, R.y + R.h - yLog(v), color);
        text(
          x + rbw / 2,
          yLog(v) - 3,
          Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '—',
          'text-anchor="middle" font-size="8"',
        );
      });
      text(
        R.x + i * rg + rg / 2,
        R.y + R.h + 16,
        `F = ${r.fanOut}`,
        'text-anchor="middle" font-size="12"',
      );
    });
    lineAt(R.x, R.y + R.h, R.x + R.w, R.y + R.h, '#333');

    // Legend.
    const legend: [string, string][] = [
      [COLORS.tx, 'pass-through, transactional (baseline)'],
      [COLORS.plain, 'pass-through, non-transactional / p50'],
      [COLORS.hub, 'hub (policy worker)'],
    ];
    legend.forEach(([color, label], i) => {
      rect(60 + i * 290, H - 30, 12, 12, color);
      text(78 + i * 290, H - 20, label, 'font-size="11"');
    });
    text(
      540,
      H - 40,
      'latency bars: pass-through p50/p99/p99.9, then hub p50/p99/p99.9',
      'font-size="10" fill="#555"',
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">\n` +
    `<rect width="${W}" height="${H}" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`
  );
}
