/**
 * The links phase of `npm run bench`:
 * - corpus: a synthetic corpus (BENCH_LINK_MESSAGES, default 100,000 messages
 *   from 12 agencies, BENCH_LINK_PLANTED planted cross-agency links, default
 *   600, through phones, documents and plates in varied formats, plus
 *   near-misses) through extraction, pseudonyms and matching: recall of planted
 *   exact links (target 100 %), false exact links (target 0), near-misses linked
 *   (target 0);
 * - query: hit/no-hit queries through the gateway's LinkQueryService (quota
 *   rows locked, index read, reveal question, law-enforcement log entry,
 *   commit) on a throwaway database whose link index holds BENCH_LINK_INDEX_ROWS
 *   rows (default 10,000,000; the target is p95 ≤ 50 ms at 10 million), half
 *   the queries hits.
 * The worker CPU A/B with and without link extraction is in
 * bench/micro/worker-transform.bench.ts ("transform with link pseudonyms").
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { HubConfig } from '@liaison/config';
import { linkKeyRing, newLinkKeyFile, pseudonymOf, type LinkKeyRing } from '@liaison/links';
import { HubMetrics } from '@liaison/observability';
import { createDataSource, runMigrations } from '@liaison/persistence';
import type { World } from '@liaison/runtime';
import type { AuthContext } from '../../apps/gateway/src/auth/auth-context';
import type { DirectoryCache } from '../../apps/gateway/src/directory-cache';
import { LinkQueryService } from '../../apps/gateway/src/links/link-query.service';
import { generateLinkCorpus, CORPUS_AGENCIES } from '../../libs/links/src/testing/link-corpus';
import {
  corpusFigures,
  measureCorpus,
  type CorpusFigures,
} from '../../libs/links/src/testing/link-corpus-measure';
import { percentile } from '../pipeline/common';

export interface LinkBenchOptions {
  readonly databaseUrl: string;
  readonly runId: string;
  readonly corpusMessages: number;
  readonly plantedLinks: number;
  readonly indexRows: number;
  readonly queries: number;
  readonly log: (line: string) => void;
}

export interface LinkQueryFigures {
  readonly indexRows: number;
  readonly queries: number;
  readonly hits: number;
  readonly fillSec: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly targetP95Ms: 50;
}

export interface LinkBenchResult {
  readonly corpus: CorpusFigures & { readonly seconds: number };
  readonly query: LinkQueryFigures | { readonly error: string };
}

/** Known phones planted in the big index, held by one agency each, so half the queries hit. */
const PLANTED_PHONES = 1000;
const plantedPhone = (i: number): string => `+40721${String(1_000_000 + i).slice(1)}`;
const FILL_CHUNK = 1_000_000;

/** The corpus agencies in one EU group, each jurisdiction revealing exact links to EU law enforcement. */
export function benchLinkWorld(): World {
  const agencies = CORPUS_AGENCIES.map((a) => ({
    id: a.id,
    name: a.id,
    jurisdiction: a.jurisdiction,
    kind: 'LAW_ENFORCEMENT',
    groups: ['BENCH'],
    acceptedPurposes: ['INVESTIGATION'],
    retentionDays: 365,
  }));
  const jurisdictions = [...new Set(CORPUS_AGENCIES.map((a) => a.jurisdiction))];
  return {
    policyDirectory: { agencies, groups: { BENCH: jurisdictions } },
    policies: jurisdictions.map((j) => ({
      jurisdiction: j,
      links: [{ id: `${j}-LINKS-BENCH`, to: { groups: ['BENCH'] } }],
    })),
  } as unknown as World;
}

/** The corpus phase alone: generate, measure, report. */
export function runCorpusPhase(
  options: Pick<LinkBenchOptions, 'corpusMessages' | 'plantedLinks'>,
): LinkBenchResult['corpus'] {
  const started = Date.now();
  const corpus = generateLinkCorpus({
    seed: 20261202,
    messages: options.corpusMessages,
    plantedLinks: options.plantedLinks,
  });
  const key = { epoch: 1, secret: randomBytes(32) };
  const figures = corpusFigures(corpus, measureCorpus(corpus, key));
  return { ...figures, seconds: (Date.now() - started) / 1000 };
}

async function fillIndex(ds: DataSource, ring: LinkKeyRing, options: LinkBenchOptions) {
  const agencies = CORPUS_AGENCIES.map((a) => a.id);
  for (let from = 1; from <= options.indexRows; from += FILL_CHUNK) {
    const to = Math.min(options.indexRows, from + FILL_CHUNK - 1);
    // Background rows: random-looking pseudonyms no query can produce.
    await ds.query(
      `INSERT INTO link_index (epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp,
                               handling_code, indexed_at, retain_until)
       SELECT $1, (ARRAY['PHONE','DOCUMENT','PLATE','VIN','IBAN','EMAIL','HANDLE','WALLET','PERSON'])[1 + i % 9],
              encode(sha256(('bench-' || i)::bytea), 'base64'),
              md5('m' || (i / 4))::uuid, ($4::text[])[1 + i % $5],
              'CASE-' || (i % 100000), (ARRAY['GREEN','AMBER','AMBER_STRICT','RED'])[1 + i % 4], 'H0',
              now(), now() + interval '30 days'
         FROM generate_series($2::bigint, $3::bigint) AS i`,
      [ring.current.epoch, from, to, agencies, agencies.length],
    );
    options.log(`links: index filled to ${to} of ${options.indexRows} rows`);
  }
  for (let i = 0; i < PLANTED_PHONES; i++) {
    const p = pseudonymOf(ring.current, { kind: 'PHONE', value: plantedPhone(i) });
    await ds.query(
      `INSERT INTO link_index (epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp,
                               handling_code, indexed_at, retain_until)
       VALUES ($1, 'PHONE', $2, gen_random_uuid(), $3, $4, 'AMBER', 'H0', now(), now() + interval '30 days')`,
      [p.epoch, p.pseudonym, agencies[(i % (agencies.length - 1)) + 1], `CASE-P-${i}`],
    );
  }
  await ds.query('ANALYZE link_index');
}

async function runQueries(options: LinkBenchOptions): Promise<LinkQueryFigures> {
  const name = `liaison_bench_${options.runId}_links`;
  const adminUrl = new URL(options.databaseUrl);
  adminUrl.pathname = '/postgres';
  const url = new URL(options.databaseUrl);
  url.pathname = `/${name}`;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  let ds: DataSource | undefined;
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await runMigrations(url.toString());
    ds = createDataSource({ url: url.toString(), poolSize: 4, asOwner: true });
    await ds.initialize();
    const ring = linkKeyRing(newLinkKeyFile(randomBytes(32), Date.now()), Date.now());
    const fillStarted = Date.now();
    await fillIndex(ds, ring, options);
    const fillSec = (Date.now() - fillStarted) / 1000;
    const world = benchLinkWorld();
    const service = new LinkQueryService(
      ds,
      { get: () => Promise.resolve(world) } as unknown as DirectoryCache,
      { linkKeyRing: () => ring } as never,
      {
        gateway: {
          linkQueries: {
            agency: { limit: 1_000_000_000, windowMs: 86_400_000 },
            officer: { limit: 1_000_000_000, windowMs: 3_600_000 },
          },
        },
      } as unknown as HubConfig,
      new HubMetrics('bench-links'),
    );
    const ask = async (i: number): Promise<boolean> => {
      const auth: AuthContext = {
        agencyId: 'nl-knp',
        jurisdiction: 'NL',
        officerId: `bench-${i % 100}`,
        officerKid: null,
        roles: new Set(['liaison']),
        kind: 'officer',
      };
      const value =
        i % 2 === 0 ? plantedPhone(i % PLANTED_PHONES) : `+40731${String(1_000_000 + i).slice(1)}`;
      const answer = await service.ask(
        { auth, justification: { text: 'bench', seq: i, hash: 'bench' } },
        { kind: 'PHONE', value },
      );
      return answer.hit;
    };
    for (let i = 0; i < 50; i++) await ask(i);
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < options.queries; i++) {
      const start = process.hrtime.bigint();
      if (await ask(i)) hits += 1;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    return {
      indexRows: options.indexRows + PLANTED_PHONES,
      queries: options.queries,
      hits,
      fillSec,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      p99Ms: percentile(times, 99),
      targetP95Ms: 50,
    };
  } finally {
    await ds?.destroy().catch(() => undefined);
    await admin
      .query(`DROP DATABASE IF EXISTS "${name}"`)
      .catch((error: unknown) => options.log(`could not drop ${name}: ${String(error)}`));
    await admin.end();
  }
}

export async function runLinkBench(options: LinkBenchOptions): Promise<LinkBenchResult> {
  options.log(
    `links: corpus of ${options.corpusMessages} messages, ${options.plantedLinks} planted links`,
  );
  const corpus = runCorpusPhase(options);
  options.log(
    `links: recall ${(corpus.recall * 100).toFixed(1)} %, false exact links ${corpus.falseExactLinks}`,
  );
  let query: LinkBenchResult['query'];
  try {
    query = await runQueries(options);
    options.log(`links: query p95 ${query.p95Ms.toFixed(1)} ms over ${query.indexRows} rows`);
  } catch (error) {
    options.log(`links: query benchmark failed: ${(error as Error).stack ?? String(error)}`);
    query = { error: (error as Error).message };
  }
  return { corpus, query };
}

/** The options from the environment (see the header). */
export function linkBenchOptionsFrom(
  env: NodeJS.ProcessEnv,
  base: Pick<LinkBenchOptions, 'databaseUrl' | 'runId' | 'log'>,
): LinkBenchOptions {
  const int = (name: string, fallback: number): number => {
    const n = Number(env[name] ?? fallback);
    return Number.isInteger(n) && n >= 0 ? n : fallback;
  };
  return {
    ...base,
    corpusMessages: int('BENCH_LINK_MESSAGES', 100_000),
    plantedLinks: int('BENCH_LINK_PLANTED', 600),
    indexRows: int('BENCH_LINK_INDEX_ROWS', 10_000_000),
    queries: int('BENCH_LINK_QUERIES', 2000),
  };
}
