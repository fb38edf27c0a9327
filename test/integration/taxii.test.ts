/**
 * The TAXII 2.1 server on the real hub, one test per MUST it meets, named by
 * the section of TAXII 2.1 (OASIS Standard, 2021) it comes from. NL publishes a
 * victim-at-risk alert and opens a case with DE; each recipient reads its own
 * view through /taxii2 with its agency token. Every object served validates
 * against the OASIS STIX 2.1 schemas; no withheld field's value appears in any
 * recipient's objects; paging while a new alert arrives neither skips nor
 * repeats; `liaison stix export` writes the same objects as a bundle.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import { agencyToken, publishCaseNotice } from '../support/case-notices';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { stixBundleErrors, stixSchemaErrors } from '../support/stix-schemas';
import { freshMessage } from '../support/submissions';
import { messageObjectId, tlpMarkingId, type StixBundle, type StixObject } from '@liaison/stix';

const NL = 'nl-knp';
/** Asks for its feed encrypted to its own key: the hub serves it the envelope only. */
const DE = 'de-bka';
/** Reads a plaintext feed: the hub serves it its redacted view mapped in full. */
const RO = 'ro-diicot';
const RECIPIENTS = ['de-bka', 'ro-diicot', 'int-hub', 'ngo-safehaven'];
const TAXII = 'application/taxii+json;version=2.1';

interface Answer {
  status: number;
  type: string;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('TAXII 2.1 server', () => {
  let hub: RunningHub;
  let db: Client;
  const caseRef = `NL-KNP-TAXII-${randomUUID().slice(0, 8)}`;
  let alert: Record<string, unknown>;

  async function get(
    pathAndQuery: string,
    agency = DE,
    init: { accept?: string; method?: string; token?: string | null } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: init.accept ?? TAXII };
    const token = init.token === undefined ? agencyToken(agency) : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${hub.url}${pathAndQuery}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.method === 'POST'
        ? { body: JSON.stringify({ objects: [] }), headers: { ...headers, 'content-type': TAXII } }
        : {}),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      headers: res.headers,
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  async function publishAlert(): Promise<Record<string, unknown>> {
    const message = freshMessage('alert-victim-at-risk', NL);
    const { sdJwt } = await signMessage(
      new AgencyIdentity({ agency: NL, keys: DEMO_KEYS_DIR }),
      message,
    );
    const res = await fetch(`${hub.url}/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agencyToken(NL)}`, 'content-type': 'application/sd+jwt' },
      body: sdJwt,
    });
    expect(res.status).toBe(202);
    await eventually(
      async () => {
        const r = await db.query(
          `SELECT count(*)::int AS n FROM feed_entry WHERE message_id = $1 AND agency_id = ANY($2)`,
          [message.messageId, [DE, RO]],
        );
        return (r.rows[0] as { n: number }).n === 2 ? true : undefined;
      },
      30_000,
      'alert delivered',
    );
    return message;
  }

  const root = (agency = DE) => `/taxii2/${agency}`;
  async function feedCollection(agency = DE): Promise<string> {
    const { body } = await get(`${root(agency)}/collections/`, agency);
    return String((body.collections as { id: string }[])[0]!.id);
  }
  async function allObjects(agency: string, query = ''): Promise<StixObject[]> {
    const out: StixObject[] = [];
    let next: string | undefined;
    const collection = await feedCollection(agency);
    for (;;) {
      const q = `${query}${query ? '&' : ''}limit=50${next ? `&next=${next}` : ''}`;
      const { status, body } = await get(
        `${root(agency)}/collections/${collection}/objects/?${q}`,
        agency,
      );
      expect(status).toBe(200);
      out.push(...(body.objects as StixObject[]));
      next = body.next as string | undefined;
      if (body.more !== true) return out;
    }
  }

  beforeAll(async () => {
    await seedNamespace();
    hub = await startHub();
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    alert = await publishAlert();
    const target = { hub, db, caseRef };
    await publishCaseNotice(target, 'case-notice-case-opened', NL, () => undefined);
    await publishCaseNotice(target, 'case-notice-request-refused', NL, (m) => {
      m.requestedAgencies = [DE];
      m.transition = { action: 'INVITE', requestMessageId: null, reason: null };
      m.relatedMessageIds = [];
    });
    await publishCaseNotice(target, 'case-notice-request-refused', DE, (m) => {
      m.requestedAgencies = [NL];
      m.transition = { action: 'ACCEPT_INVITATION', requestMessageId: null, reason: null };
      m.relatedMessageIds = [];
    });
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await hub?.stop();
    await dropNamespaceDatabase();
  }, 60_000);

  it('1.6.8.1: a request whose Accept does not name the TAXII media type is refused with 406', async () => {
    const answer = await get('/taxii2/', DE, { accept: 'application/json' });
    expect(answer.status).toBe(406);
    expect(answer.type).toContain('application/taxii+json');
  });

  it('3.6.1 error message: every refusal is a TAXII error object with the TAXII media type', async () => {
    const answer = await get('/taxii2/', DE, { token: null });
    expect(answer.status).toBe(401);
    expect(answer.type).toContain('application/taxii+json');
    expect(answer.body).toMatchObject({ http_status: '401', error_code: 'auth.missing-token' });
    expect(typeof answer.body.title).toBe('string');
  });

  it("4.1 discovery: the default and only API root is the caller agency's own", async () => {
    const answer = await get('/taxii2/');
    expect(answer.status).toBe(200);
    expect(answer.type).toContain(TAXII);
    expect(answer.body).toMatchObject({
      default: '/taxii2/de-bka/',
      api_roots: ['/taxii2/de-bka/'],
    });
  });

  it("4.2 API root: versions lists TAXII 2.1; another agency's root is not found", async () => {
    const own = await get(`${root()}/`);
    expect(own.status).toBe(200);
    expect(own.body.versions).toContain(TAXII);
    const other = await get(`${root(NL)}/`, DE);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ http_status: '404', error_code: 'taxii.not-found' });
  });

  it('5.1 and 5.2 collections: the feed and a collection per case, read-only, STIX 2.1', async () => {
    const { body } = await get(`${root()}/collections/`);
    const collections = body.collections as { id: string; title: string; can_write: boolean }[];
    expect(collections.map((c) => c.title)).toEqual(['Feed of de-bka', `Case ${caseRef}`]);
    for (const c of collections) {
      expect(c).toMatchObject({
        can_read: true,
        can_write: false,
        media_types: ['application/stix+json;version=2.1'],
      });
      expect((await get(`${root()}/collections/${c.id}/`)).body).toEqual(c);
    }
    expect((await get(`${root()}/collections/${randomUUID()}/`)).status).toBe(404);
    // NL's case collection is not DE's: the same case, another agency's view.
    const nl = await get(`${root(NL)}/collections/`, NL);
    const ids = (nl.body.collections as { id: string }[]).map((c) => c.id);
    for (const c of collections) expect(ids).not.toContain(c.id);
  });

  it('5.3 get objects: an envelope of valid STIX 2.1 objects with the Date-Added headers', async () => {
    const collection = await feedCollection(RO);
    const answer = await get(`${root(RO)}/collections/${collection}/objects/?limit=1000`, RO);
    expect(answer.status).toBe(200);
    expect(answer.type).toContain(TAXII);
    const objects = answer.body.objects as StixObject[];
    expect(objects.map((o) => o.id)).toContain(messageObjectId(String(alert.messageId)));
    expect(objects.flatMap((o) => stixSchemaErrors(o))).toEqual([]);
    expect(answer.headers.get('x-taxii-date-added-first')).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(answer.headers.get('x-taxii-date-added-last')).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
  });

  it('3.4 pagination: limit, more and next; a new delivery while paging is neither skipped nor repeated', async () => {
    const collection = await feedCollection(RO);
    const seen: string[] = [];
    let next: string | undefined;
    let published = false;
    let later: Record<string, unknown> | undefined;
    for (let round = 0; round < 200; round++) {
      const { body } = await get(
        `${root(RO)}/collections/${collection}/objects/?limit=3${next ? `&next=${next}` : ''}`,
        RO,
      );
      const objects = body.objects as StixObject[];
      expect(objects.length).toBeLessThanOrEqual(3);
      seen.push(...objects.map((o) => o.id));
      next = body.next as string | undefined;
      if (!published) {
        later = await publishAlert();
        published = true;
      }
      if (body.more !== true && seen.includes(messageObjectId(String(later?.messageId)))) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual((await allObjects(RO)).map((o) => o.id));
  }, 60_000);

  it('3.6 filtering: match[] fields are ANDed, values in a field ORed; match[tlp]; unknown filters refused', async () => {
    const collection = await feedCollection(RO);
    const url = (q: string) => `${root(RO)}/collections/${collection}/objects/?${q}`;
    const all = await allObjects(RO);
    const report = messageObjectId(String(alert.messageId));
    const types = async (q: string) =>
      new Set(((await get(url(q), RO)).body.objects as StixObject[]).map((o) => o.type));
    expect(await types('match[type]=report')).toEqual(new Set(['report']));
    expect(await types('match[type]=report,location')).toEqual(
      new Set(all.filter((o) => o.type === 'report' || o.type === 'location').map((o) => o.type)),
    );
    const both = (await get(url(`match[type]=report&match[id]=${report}`), RO)).body
      .objects as StixObject[];
    expect(both.map((o) => o.id)).toEqual([report]);
    const none = (await get(url(`match[type]=location&match[id]=${report}`), RO)).body
      .objects as StixObject[];
    expect(none).toEqual([]);
    expect((await get(url('match[spec_version]=2.0'), RO)).body.objects as StixObject[]).toEqual(
      [],
    );
    const version = String(all.find((o) => o.id === report)?.modified);
    const byVersion = (await get(url(`match[id]=${report}&match[version]=${version}`), RO)).body
      .objects as StixObject[];
    expect(byVersion).toHaveLength(1);
    const amber = (await get(url('match[tlp]=amber'), RO)).body.objects as StixObject[];
    expect(amber.map((o) => o.id)).toContain(report);
    expect(
      ((await get(url('match[tlp]=red'), RO)).body.objects as StixObject[]).map((o) => o.id),
    ).not.toContain(report);
    const bad = await get(url('match[colour]=red'), RO);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ http_status: '400', error_code: 'taxii.bad-filter' });
    expect((await get(url('added_after=yesterday'), RO)).status).toBe(400);
    const after = await get(url(`added_after=${new Date(Date.now() + 60_000).toISOString()}`), RO);
    expect(after.body.objects).toEqual([]);
  });

  it('5.4 add objects: the collection is read-only, posting is refused with 403', async () => {
    const collection = await feedCollection();
    const answer = await get(`${root()}/collections/${collection}/objects/`, DE, {
      method: 'POST',
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ http_status: '403', error_code: 'taxii.read-only' });
    // The refusal leaves its trace for oversight, as every gateway 4xx does.
    await eventually(
      async () => {
        const r = await db.query(
          `SELECT 1 FROM le_log WHERE action = 'REFUSAL' AND subject = $1
              AND details->>'reasonCode' = 'taxii.read-only'`,
          [`agency:${DE}`],
        );
        return r.rowCount ? true : undefined;
      },
      10_000,
      'the REFUSAL entry',
    );
  });

  it('5.5 get an object, 5.7 manifest and 5.8 versions', async () => {
    const collection = await feedCollection(RO);
    const report = messageObjectId(String(alert.messageId));
    const one = await get(`${root(RO)}/collections/${collection}/objects/${report}/`, RO);
    expect(one.status).toBe(200);
    expect((one.body.objects as StixObject[]).map((o) => o.id)).toEqual([report]);
    expect(
      (await get(`${root(RO)}/collections/${collection}/objects/report--${randomUUID()}/`, RO))
        .status,
    ).toBe(404);
    const manifest = await get(
      `${root(RO)}/collections/${collection}/manifest/?match[id]=${report}`,
      RO,
    );
    const [entry, ...rest] = manifest.body.objects as Record<string, unknown>[];
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      id: report,
      version: (one.body.objects as StixObject[])[0]!.modified,
      media_type: 'application/stix+json;version=2.1',
    });
    expect(String(entry?.date_added)).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
    const versions = await get(
      `${root(RO)}/collections/${collection}/objects/${report}/versions/`,
      RO,
    );
    expect(versions.body).toMatchObject({
      more: false,
      versions: [(one.body.objects as StixObject[])[0]!.modified],
    });
    expect(
      (
        await get(`${root(RO)}/collections/${collection}/objects/${report}/`, RO, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(403);
  });

  it('an encrypted feed is served from the envelope alone: TLP:RED, the JWE, no content', async () => {
    const report = (await allObjects(DE, 'match[type]=report')).find(
      (o) => o.id === messageObjectId(String(alert.messageId)),
    );
    const ext = Object.values(report?.extensions as Record<string, Record<string, unknown>>)[0]!;
    expect(ext).toMatchObject({ encrypted: true });
    expect(ext.content).toBeUndefined();
    expect(String(ext.presentation).split('.')).toHaveLength(5);
    expect(report?.object_marking_refs).toEqual([tlpMarkingId('RED')]);
  });

  it("differential: no withheld field's value appears in any recipient's TAXII objects", async () => {
    let withheldSeen = 0;
    for (const agency of RECIPIENTS) {
      const rows = await db.query(
        `SELECT 1 FROM feed_entry WHERE message_id = $1 AND agency_id = $2`,
        [alert.messageId, agency],
      );
      if (rows.rowCount === 0) continue;
      const objects = await allObjects(agency);
      const report = objects.find((o) => o.id === messageObjectId(String(alert.messageId)))!;
      const ext = Object.values(report.extensions as Record<string, Record<string, unknown>>)[0]!;
      const withheld = (ext.withheld_fields as { path: string }[] | undefined) ?? [];
      withheldSeen += withheld.length;
      const text = JSON.stringify(objects);
      const visible =
        JSON.stringify(ext.content ?? {}) +
        JSON.stringify(objects.filter((o) => o.type !== 'report'));
      for (const { path: p } of withheld) {
        const value = p
          .replace(/\[(\d+)\]/g, '.$1')
          .split('.')
          .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], alert);
        for (const s of JSON.stringify(value ?? null).match(/"([^"\\]{6,})"/g) ?? []) {
          if (visible.includes(s)) continue;
          expect({ agency, path: p, leaked: text.includes(s) }).toEqual({
            agency,
            path: p,
            leaked: false,
          });
        }
      }
    }
    expect(withheldSeen).toBeGreaterThan(0);
  });

  it('liaison stix export writes the feed as one valid STIX 2.1 bundle with the same ids', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stix-'));
    const out = path.join(dir, 'feed.stix.json');
    const result = await runCli([
      '--hub',
      hub.url,
      '--keys',
      DEMO_KEYS_DIR,
      '--agency',
      DE,
      'stix',
      'export',
      '--out',
      out,
    ]);
    expect(result.stderr).toContain('STIX bundle bundle--');
    expect(result.code).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as StixBundle;
    expect(stixBundleErrors(bundle)).toEqual([]);
    const served = (await allObjects(DE, 'match[type]=report')).map((o) => o.id);
    const reports = bundle.objects.filter((o) => o.type === 'report');
    expect(reports.map((o) => o.id).sort()).toEqual(served.sort());
    // Decrypted and verified on DE's side: the signed TLP and the content, not the envelope alone.
    const mine = reports.find((o) => o.id === messageObjectId(String(alert.messageId)));
    expect(mine?.object_marking_refs).toContain(tlpMarkingId('AMBER'));
    expect(
      bundle.objects.some((o) => o.type === 'identity' && o.identity_class === 'individual'),
    ).toBe(true);
  }, 60_000);
});
