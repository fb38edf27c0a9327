/**
 * Hit/no-hit link queries (Prüm-style): an officer asks whether any other
 * agency holds a selector; the answer is hit or no hit with the holders and case
 * handles the holders' `links` rules reveal (@liaison/links answerHitQuery), and
 * never the value of anything. The selector is canonicalised and pseudonymised
 * here and dropped: it is never logged, stored or echoed.
 *
 * One transaction per query: the asker's agency and officer quota windows are
 * locked (link_query_quota), the query admitted or refused (pure admitQuery);
 * an admitted query reads the index, is counted and is written to the
 * law-enforcement log as a CONSULTATION with the officer's signed
 * justification, the pseudonym asked about, what was answered and what was
 * withheld. A refused query is counted as a breach and answered 429
 * `links.rate-limited` (which the refusal recorder logs as every 4xx).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Counter } from 'prom-client';
import type { HubConfig } from '@liaison/config';
import { DomainError } from '@liaison/errors';
import {
  admitQuery,
  answerHitQuery,
  parseSelectorQuery,
  pseudonymsOf,
  quotaWindowsOf,
  type HitHolder,
  type LinkKeyRing,
  type LinkWorld,
  type QueryQuotaLimits,
  type QuotaWindow,
  type Selector,
  type SelectorKind,
  type LinkStrength,
} from '@liaison/links';
import { tlpLabel } from '@liaison/messages';
import type { HubMetrics } from '@liaison/observability';
import type { Tlp } from '@liaison/policy';
import {
  appendLeLog,
  countAdmitted,
  countRefused,
  lockQuotaWindows,
  quotaWindows,
  rowsSharing,
  type QuotaWindowView,
} from '@liaison/persistence';
import { METRICS, linkWorldOf, type World } from '@liaison/runtime';
import { type HubKeyFiles } from '@liaison/local-files';
import type { AuthContext, SignedJustification } from '../auth/auth-context';
import type { DirectoryCache } from '../directory-cache';
import { CONFIG, DATA_SOURCE, DIRECTORY_CACHE, HUB_KEYS } from '../tokens';

/** What is left of one quota window after this query. */
export interface QuotaLeft {
  readonly limit: number;
  readonly remaining: number;
  readonly windowEnd: string;
}

export interface LinkQueryAnswer {
  readonly hit: boolean;
  readonly kind: SelectorKind;
  readonly strength: LinkStrength;
  /** TLP spelled as TLP 2.0 does (AMBER+STRICT), not as the Avro symbol. */
  readonly holders: readonly (Omit<HitHolder, 'tlp'> & { readonly tlp: Tlp })[];
  readonly askedAt: string;
  readonly quota: { readonly agency: QuotaLeft; readonly officer: QuotaLeft };
}

export interface QuotaReport {
  readonly limits: QueryQuotaLimits;
  readonly windows: readonly QuotaWindowView[];
}

/** Who asks: an officer with a verified, recorded justification. */
export interface LinkAsker {
  readonly auth: AuthContext;
  readonly justification: SignedJustification;
}

const MAX_WINDOWS = 1000;

/**
 * The canonical selector of a query body, or `400 links.invalid-query` naming
 * the field and the reason (never the value). The guard runs it before the
 * signed justification is spent; the service again on what it answers.
 */
export function selectorOfQuery(body: unknown, jurisdiction: string): Selector {
  const parsed = parseSelectorQuery(body, jurisdiction);
  if (parsed.ok) return parsed.selector;
  const { field, reason } = parsed.problem;
  throw new DomainError(
    'links.invalid-query',
    `${field}: ${reason} (a query is {kind, value, country?, platform?, dateOfBirth?})`,
    'invalid-input',
    { field, reason },
  );
}

@Injectable()
export class LinkQueryService {
  private readonly limits: QueryQuotaLimits;
  private readonly keys: LinkKeyRing;
  private readonly worlds = new WeakMap<World, LinkWorld>();
  private readonly queries: Counter<string>;
  private readonly breaches: Counter<string>;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
    @Inject(HUB_KEYS) hubKeys: HubKeyFiles,
    @Inject(CONFIG) config: HubConfig,
    @Inject(METRICS) metrics: HubMetrics,
  ) {
    this.limits = config.gateway.linkQueries;
    this.keys = hubKeys.linkKeyRing();
    this.queries = metrics.counter(
      'liaison_link_queries_total',
      'Hit/no-hit link queries by outcome (hit, no-hit, refused)',
      ['outcome'],
    );
    this.breaches = metrics.counter(
      'liaison_link_query_breaches_total',
      'Link queries refused because a quota window was full, by scope (AGENCY, OFFICER)',
      ['scope'],
    );
  }

  private linkWorld(world: World): LinkWorld {
    let links = this.worlds.get(world);
    if (links === undefined) {
      links = linkWorldOf(world);
      this.worlds.set(world, links);
    }
    return links;
  }

  async ask(asker: LinkAsker, body: unknown, now = Date.now()): Promise<LinkQueryAnswer> {
    const { auth, justification } = asker;
    if (auth.officerId === null) {
      throw new DomainError(
        'links.officer-required',
        'a link query is an officer act',
        'forbidden',
      );
    }
    const selector = selectorOfQuery(body, auth.jurisdiction);
    const pseudonyms = pseudonymsOf(this.keys.matching, [selector]);
    const world = this.linkWorld(await this.directory.get());
    const windows = quotaWindowsOf(
      this.limits,
      { agency: auth.agencyId, officer: auth.officerId },
      now,
    );
    const askedAt = new Date(now);
    const outcome = await this.ds.transaction(async (tx) => {
      const uses = await lockQuotaWindows(tx, auth.agencyId, windows);
      const admission = admitQuery(uses, now);
      if (!admission.admitted) {
        await countRefused(tx, admission.breached, askedAt);
        return { admitted: false as const, admission };
      }
      const answer = answerHitQuery({
        world,
        asker: auth.agencyId,
        kind: selector.kind,
        rows: await rowsSharing(tx, pseudonyms),
      });
      await countAdmitted(tx, windows);
      await appendLeLog(tx, [
        {
          actor: `${auth.agencyId}/${auth.officerId}`,
          action: 'CONSULTATION',
          subject: 'links:query',
          justification: justification.text,
          details: {
            kind: selector.kind,
            // The current epoch's pseudonym: oversight can tie queries to index rows, never to a value.
            pseudonym: pseudonyms[0]?.pseudonym,
            epoch: pseudonyms[0]?.epoch,
            hit: answer.hit,
            holders: answer.holders.map((h) => ({
              agency: h.agency,
              caseHandle: h.caseHandle,
              rules: h.rules,
            })),
            withheld: answer.withheld,
            statement: { seq: justification.seq, hash: justification.hash },
          },
        },
      ]);
      return { admitted: true as const, answer, uses };
    });
    if (!outcome.admitted) {
      this.queries.inc({ outcome: 'refused' });
      for (const w of outcome.admission.breached) this.breaches.inc({ scope: w.scope });
      throw rateLimited(outcome.admission.breached, outcome.admission.retryAfterMs);
    }
    const { answer, uses } = outcome;
    this.queries.inc({ outcome: answer.hit ? 'hit' : 'no-hit' });
    const left = (i: number): QuotaLeft => {
      const use = uses[i] as (typeof uses)[number];
      return {
        limit: use.window.limit,
        remaining: Math.max(0, use.window.limit - use.used - 1),
        windowEnd: new Date(use.window.end).toISOString(),
      };
    };
    return {
      hit: answer.hit,
      kind: selector.kind,
      strength: selector.strength,
      holders: answer.holders.map((h) => ({ ...h, tlp: tlpLabel(h.tlp) })),
      askedAt: askedAt.toISOString(),
      quota: { agency: left(0), officer: left(1) },
    };
  }

  /** The limits and the windows that ended after `from`: oversight all, a liaison officer its agency's. */
  async quotas(agency: string | undefined, from: Date): Promise<QuotaReport> {
    return { limits: this.limits, windows: await quotaWindows(this.ds, from, agency, MAX_WINDOWS) };
  }
}

function rateLimited(breached: readonly QuotaWindow[], retryAfterMs: number): DomainError {
  const which = breached
    .map((w) => `${w.scope === 'AGENCY' ? 'agency' : 'officer'} ${w.holder}: ${w.limit}`)
    .join('; ');
  return new DomainError(
    'links.rate-limited',
    `link query quota used up (${which} per window); oversight sees this refusal`,
    'rate-limited',
    {
      retryAfterSec: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      breached: breached.map((w) => ({
        scope: w.scope,
        holder: w.holder,
        limit: w.limit,
        windowEnd: new Date(w.end).toISOString(),
      })),
    },
  );
}
