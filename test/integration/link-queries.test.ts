/**
 * Hit/no-hit link queries on the real gateway and PostgreSQL (the demo world's
 * links rules, the hub's link key file): an officer's query, through the CLI or
 * the API with a signed justification, is answered hit with exactly the holders
 * the holders' links rules reveal (a RED message not naming the asker and an
 * agency without an agreement stay hidden) or no hit; every admitted query is a
 * CONSULTATION with its justification; bad input and missing justifications are
 * refused with their reason; the officer quota holds across a gateway restart,
 * its breaches are counted for oversight (API and metrics) and in the refusal
 * log; and the queried values appear nowhere in the database or the logs.
 */
import '../support/isolated-namespace';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client } from 'pg';
import { pseudonymOf } from '@liaison/links';
import { HubKeyFiles } from '@liaison/local-files';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';

jest.setTimeout(60_000);

/** Planted: one phone held by three agencies, one document by RO. Never in clear anywhere. */
const PHONE = '+40721555014';
const PHONE_DIGITS = '721555014';
const UNHELD_PHONE_DIGITS = '721999888';
const DOCUMENT = 'RX7740019';

const OFFICER_LIMIT = 3;

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const anna = new AgencyIdentity({
  agency: 'nl-knp',
  keys: DEMO_KEYS_DIR,
  officer: 'anna',
  roles: 'liaison',
});
const olga = new AgencyIdentity({
  agency: 'eu-dpo',
  keys: DEMO_KEYS_DIR,
  officer: 'olga',
  roles: 'oversight',
});

describe('hit/no-hit link queries on the real gateway', () => {
  let gateway: StartedApp | undefined;
  const outputs: string[] = [];
  const base = (): string => `http://127.0.0.1:${gateway?.port ?? 0}`;
  const env = {
    LINK_QUERY_OFFICER_LIMIT: String(OFFICER_LIMIT),
    LINK_QUERY_AGENCY_LIMIT: '50',
  };

  async function ask(
    body: unknown,
    justification: string | null = 'case NL-KNP-2026-0412: who else holds the number',
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${anna.token()}`,
      'content-type': 'application/json',
    };
    if (justification !== null) {
      headers['x-justification'] = anna.auditJustification(
        'POST',
        '/v1/links/query',
        justification,
      );
    }
    const res = await fetch(`${base()}/v1/links/query`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    await seedNamespace();
    const key = new HubKeyFiles(path.join(ROOT, '.local/hub-keys')).linkKeyRing().current;
    const phone = pseudonymOf(key, { kind: 'PHONE', value: PHONE }).pseudonym;
    const document = pseudonymOf(key, { kind: 'DOCUMENT', value: `RO:${DOCUMENT}` }).pseudonym;
    const held = [
      // Revealed to NL: RO's links rule addresses EU law enforcement.
      ['ro-diicot', 'RO-DIICOT-2026-0031', 'PHONE', phone, 'AMBER', []],
      // AMBER+STRICT naming NL (stored as the Avro symbol AMBER_STRICT): revealed to NL.
      ['ro-diicot', 'RO-DIICOT-2026-0031', 'DOCUMENT', document, 'AMBER_STRICT', ['nl-knp']],
      // RED naming only RO: hidden from NL.
      ['de-bka', 'DE-BKA-2026-0977', 'PHONE', phone, 'RED', ['ro-diicot']],
      // No links agreement with the UK: hidden.
      ['uk-nca', 'UK-NCA-7', 'PHONE', phone, 'AMBER', []],
      // NL's own message: no hit to NL.
      ['nl-knp', 'NL-KNP-2026-0412', 'PHONE', phone, 'AMBER', []],
    ] as const;
    for (const [agency, handle, kind, pseudonym, tlp, named] of held) {
      await sql(
        `INSERT INTO link_index (epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp,
                                 handling_code, named_recipients, indexed_at, retain_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'H0', $8, now(), now() + interval '1 day')`,
        [key.epoch, kind, pseudonym, randomUUID(), agency, handle, tlp, named],
      );
    }
    gateway = await startApp('gateway', env);
  }, 120_000);

  afterAll(async () => {
    await stopApp(gateway);
    await dropNamespaceDatabase();
  }, 30_000);

  it('the CLI answers HIT with the holders the links rules reveal, and the query is logged', async () => {
    const result = await runCli([
      '--hub',
      base(),
      '--agency',
      'nl-knp',
      '--officer',
      'anna',
      '--roles',
      'liaison',
      '--keys',
      DEMO_KEYS_DIR,
      '--json',
      'links',
      'query',
      'PHONE',
      '0040 721 555 014',
      '--justification',
      'case NL-KNP-2026-0412: who else holds the number',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({
      hit: true,
      kind: 'PHONE',
      strength: 'EXACT',
      holders: [
        {
          agency: 'ro-diicot',
          caseHandle: 'RO-DIICOT-2026-0031',
          tlp: 'AMBER',
          messages: 1,
          rules: ['RO-LINKS-EU-01'],
        },
      ],
      quota: { officer: { limit: OFFICER_LIMIT, remaining: OFFICER_LIMIT - 1 } },
    });
    const log = await sql<{
      actor: string;
      justification: string;
      details: Record<string, unknown>;
    }>(
      `SELECT actor, justification, details FROM le_log WHERE subject = 'links:query' ORDER BY id`,
    );
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      actor: 'nl-knp/anna',
      justification: 'case NL-KNP-2026-0412: who else holds the number',
      details: {
        kind: 'PHONE',
        hit: true,
        holders: [
          { agency: 'ro-diicot', caseHandle: 'RO-DIICOT-2026-0031', rules: ['RO-LINKS-EU-01'] },
        ],
      },
    });
    const details = log[0]?.details as {
      withheld: { agency: string; rule: string }[];
      statement: { seq: unknown };
    };
    expect(details.withheld.map((w) => `${w.agency} ${w.rule}`).sort()).toEqual([
      'de-bka builtin:tlp-red',
      'nl-knp builtin:same-agency',
      'uk-nca builtin:default-deny',
    ]);
    expect(typeof details.statement.seq).toBe('number');
  });

  it('answers NO HIT for a selector nobody holds, and a document by its issuer and number', async () => {
    const none = await ask({ kind: 'PHONE', value: `+40 ${UNHELD_PHONE_DIGITS}` });
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ hit: false, holders: [] });
    const doc = await ask({ kind: 'DOCUMENT', value: 'rx 774-0019', country: 'ro' });
    expect(doc.status).toBe(200);
    expect(doc.json).toMatchObject({
      hit: true,
      holders: [{ agency: 'ro-diicot', kind: 'DOCUMENT', tlp: 'AMBER+STRICT' }],
      quota: { officer: { remaining: 0 } },
    });
    // The answer speaks TLP 2.0, never the Avro symbol.
    expect(JSON.stringify(doc.json)).not.toContain('AMBER_STRICT');
  });

  it('refuses bad input and a missing justification with the reason, counting nothing', async () => {
    const bad = await ask({ kind: 'PHONE', value: 'call me maybe' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({
      code: 'links.invalid-query',
      details: { field: 'value', reason: 'invalid-phone' },
    });
    expect(JSON.stringify(bad.json)).not.toContain('call me');
    const unjustified = await ask({ kind: 'PHONE', value: PHONE }, null);
    expect(unjustified.status).toBe(400);
    expect(unjustified.json.error).toMatchObject({ code: 'audit.justification-required' });
  });

  it('holds the officer quota across a gateway restart; oversight sees every breach', async () => {
    const over = await ask({ kind: 'PHONE', value: PHONE });
    expect(over.status).toBe(429);
    expect(over.json.error).toMatchObject({
      code: 'links.rate-limited',
      details: { breached: [{ scope: 'OFFICER', holder: 'nl-knp/anna', limit: OFFICER_LIMIT }] },
    });
    const metrics = await (await fetch(`${base()}/metrics`)).text();
    expect(metrics).toMatch(/^liaison_link_query_breaches_total\{[^}]*scope="OFFICER"[^}]*\} 1$/m);
    // The CLI's phone and the document hit; the unheld phone did not.
    expect(metrics).toMatch(/^liaison_link_queries_total\{[^}]*outcome="hit"[^}]*\} 2$/m);
    expect(metrics).toMatch(/^liaison_link_queries_total\{[^}]*outcome="no-hit"[^}]*\} 1$/m);

    outputs.push(gateway?.output.join('') ?? '');
    await stopApp(gateway);
    gateway = await startApp('gateway', env);
    const again = await ask({ kind: 'PHONE', value: PHONE });
    expect(again.status).toBe(429);

    const target = '/v1/links/quotas';
    const res = await fetch(`${base()}${target}`, {
      headers: {
        authorization: `Bearer ${olga.token()}`,
        'x-justification': olga.auditJustification('GET', target, 'quarterly link query review'),
      },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { windows: Record<string, unknown>[] };
    const windowOf = (scope: string) => report.windows.find((w) => w.scope === scope);
    expect(windowOf('OFFICER')).toMatchObject({
      holder: 'nl-knp/anna',
      used: OFFICER_LIMIT,
      refused: 2,
    });
    expect(typeof windowOf('OFFICER')?.lastRefusedAt).toBe('string');
    expect(windowOf('AGENCY')).toMatchObject({ holder: 'nl-knp', used: OFFICER_LIMIT, refused: 0 });
    // Breaches first: the breached window leads.
    expect(report.windows[0]).toMatchObject({ refused: 2 });
    // Each refusal is also in the refusal log, with its reason.
    await eventually(
      async () => {
        const rows = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM le_log
            WHERE action = 'REFUSAL' AND details->>'reasonCode' = 'links.rate-limited'`,
        );
        return (rows[0]?.n ?? 0) >= 1 ? true : undefined;
      },
      15_000,
      'the refusal log entry',
    );
  });

  it('the queried values appear nowhere in the database nor in the gateway logs', () => {
    outputs.push(gateway?.output.join('') ?? '');
    const dump = execFileSync('pg_dump', ['--data-only', DATABASE_URL], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    expect(dump).toContain('RO-DIICOT-2026-0031'); // the dump is of the right database
    for (const planted of [PHONE_DIGITS, UNHELD_PHONE_DIGITS, DOCUMENT, '774-0019', 'call me']) {
      expect(dump).not.toContain(planted);
      for (const output of outputs) expect(output).not.toContain(planted);
    }
  });
});
