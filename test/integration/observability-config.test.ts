/**
 * deploy/observability/ is checked, not trusted: the alert rules pass
 * `promtool check rules` (Debian's prometheus package, ensured by
 * deploy/local/ensure-promtool.sh), and the Grafana dashboard parses and, like
 * the rules, names only metrics the apps register (or Prometheus' own `up`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/hub-processes';

const DIR = path.join(ROOT, 'deploy/observability');

/** Every metric name registered in apps/ and libs/ sources, with histogram series. */
function registeredMetrics(): Set<string> {
  const names = new Set<string>(['up']);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'dist') walk(file);
      } else if (file.endsWith('.ts') && !file.endsWith('.spec.ts')) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(
          /\b(counter|gauge|sampledGauge|histogram)\(\s*'([a-z_:]+)'/g,
        )) {
          const [, kind, name] = m as unknown as [string, string, string];
          names.add(name);
          if (kind === 'histogram')
            for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
        }
      }
    }
  };
  walk(path.join(ROOT, 'apps'));
  walk(path.join(ROOT, 'libs'));
  return names;
}

/** Metric names a PromQL expression refers to (identifiers that are not functions or labels). */
function metricsIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  const words = withoutLabels.match(/[a-z_][a-z0-9_:]*(?!\s*\()/g) ?? [];
  const keywords = new Set([
    'and',
    'or',
    'unless',
    'by',
    'without',
    'on',
    'ignoring',
    'le',
    'bool',
  ]);
  return words.filter((w) => !keywords.has(w) && /^(liaison_|up$|process_|nodejs_)/.test(w));
}

describe('deploy/observability', () => {
  const known = registeredMetrics();

  it('alert rules pass promtool check rules', () => {
    const result = spawnSync('promtool', ['check', 'rules', path.join(DIR, 'alerts.yml')], {
      encoding: 'utf8',
    });
    expect({ status: result.status, out: result.stdout + result.stderr }).toMatchObject({
      status: 0,
    });
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('alert rules and the dashboard name only metrics the apps register', () => {
    const rules = execFileSync(
      'promtool',
      ['check', 'rules', '--lint=none', path.join(DIR, 'alerts.yml')],
      {
        encoding: 'utf8',
      },
    );
    expect(rules).toContain('SUCCESS');
    const alertExprs = [
      ...readFileSync(path.join(DIR, 'alerts.yml'), 'utf8').matchAll(
        /expr:\s*\|?\s*\n?([\s\S]*?)(?=\n\s+(?:for|labels):)/g,
      ),
    ].map((m) => m[1] ?? '');
    const dashboard = JSON.parse(
      readFileSync(path.join(DIR, 'grafana-dashboard.json'), 'utf8'),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const panelExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(alertExprs.length).toBeGreaterThanOrEqual(10);
    expect(panelExprs.length).toBeGreaterThanOrEqual(10);
    const unknown = [...alertExprs, ...panelExprs].flatMap(metricsIn).filter((n) => !known.has(n));
    expect(unknown).toEqual([]);
    // The checker can fail: a misspelt metric is caught.
    expect(
      metricsIn('rate(liaison_http_request_durations_seconds_bucket[5m])').filter(
        (n) => !known.has(n),
      ),
    ).toEqual(['liaison_http_request_durations_seconds_bucket']);
  });
});
