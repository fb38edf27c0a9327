/**
 * The Links view's API on the real gateway and PostgreSQL: a liaison officer
 * reads their agency's link notices (from its feed, with the case handle of its
 * own message from the link index) and the graph of agencies and case handles
 * they join, never another agency's notices; oversight reads the hits between
 * agencies counted per pair and per kind with small counts suppressed. Each
 * route is for its role only, needs a signed justification, refuses unknown
 * parameters with the reason and logs every read as a CONSULTATION.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { codecFor, type LinkNotice } from '@liaison/contracts';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';

jest.setTimeout(60_000);

const linkNoticeCodec = codecFor('LinkNotice');
const JUSTIFICATION = 'case NL-KNP-2026-0412: which of our cases link';

const officer = (agency: string, name: string, roles: string): AgencyIdentity =>
  new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer: name, roles });
const anna = officer('nl-knp', 'anna', 'liaison');
const dieter = officer('de-bka', 'dieter', 'liaison');
const olga = officer('eu-dpo', 'olga', 'oversight');

const db = new Client({ connectionString: DATABASE_URL });

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(text, params)).rows as T[];
}

let offset = 0;
/** A link notice as the audit app stores it in `recipient`'s feed. */
async function storeNotice(recipient: string, notice: Omit<LinkNotice, 'recipientAgency'>) {
  const record = linkNoticeCodec.encode({ ...notice, recipientAgency: recipient });
  await sql(
    `INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record, entry_kind)
     VALUES ($1, $2, $3, $4, 'LINK_NOTICE')`,
    [recipient, notice.noticeId, ++offset, record],
  );
}

/** Both sides of one hit as the audit app logs them. */
async function logHit(a: string, b: string, outcome: 'NOTIFIED' | 'DENIED'): Promise<void> {
  const [ma, mb] = [randomUUID(), randomUUID()];
  for (const [learner, lm, holder, hm] of [
    [a, ma, b, mb],
    [b, mb, a, ma],
  ] as const) {
    await sql(
      `INSERT INTO le_log (actor, action, subject, justification, details)
       VALUES ('hub', 'COMBINATION', $1, 'link', $2)`,
      [
        lm,
        {
          learnerAgency: learner,
          holderAgency: holder,
          holderMessageId: hm,
          kinds: ['PHONE'],
          strength: 'EXACT',
          outcome,
        },
      ],
    );
  }
}

describe('the Links view API', () => {
  let gateway: StartedApp | undefined;
  const own = randomUUID();
  const noticeId = randomUUID();

  async function get(
    who: AgencyIdentity,
    target: string,
    justified = true,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = { authorization: `Bearer ${who.token()}` };
    if (justified)
      headers['x-justification'] = who.auditJustification('GET', target, JUSTIFICATION);
    const res = await fetch(`http://127.0.0.1:${gateway?.port ?? 0}${target}`, { headers });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    await seedNamespace();
    await db.connect();
    await sql(
      `INSERT INTO link_index (epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp,
                               handling_code, indexed_at, retain_until)
       VALUES (1, 'PHONE', 'p1', $1, 'nl-knp', 'NL-KNP-2026-0412', 'AMBER', 'H0', now(),
               now() + interval '1 day')`,
      [own],
    );
    const common = {
      kinds: ['PHONE'],
      strength: 'EXACT',
      counterpartTlp: 'AMBER',
      foundAt: new Date().toISOString(),
      hubSignature: 'x.y.z',
    };
    await storeNotice('nl-knp', {
      ...common,
      noticeId,
      messageId: own,
      counterpartAgency: 'de-bka',
      counterpartCaseHandle: 'DE-BKA-2026-0977',
      rules: ['DE-LINKS-EU-01'],
    });
    await storeNotice('de-bka', {
      ...common,
      noticeId: randomUUID(),
      messageId: randomUUID(),
      counterpartAgency: 'nl-knp',
      counterpartCaseHandle: 'NL-KNP-2026-0412',
      // Stored as the Avro symbol; answered as TLP 2.0 spells it.
      counterpartTlp: 'AMBER_STRICT',
      rules: ['NL-LINKS-EU-01'],
    });
    await logHit('nl-knp', 'de-bka', 'NOTIFIED');
    for (let i = 0; i < 6; i++) await logHit('nl-knp', 'ro-diicot', 'NOTIFIED');
    for (let i = 0; i < 8; i++) await logHit('fr-ocriest', 'nl-knp', 'NOTIFIED');
    for (let i = 0; i < 2; i++) await logHit('uk-nca', 'nl-knp', 'DENIED');
    gateway = await startApp('gateway');
  }, 120_000);

  afterAll(async () => {
    await db.end();
    await stopApp(gateway);
    await dropNamespaceDatabase();
  }, 30_000);

  it("gives a liaison officer their agency's notices, own handle included, and the graph", async () => {
    const { status, json } = await get(anna, '/v1/links/notices?limit=50');
    expect(status).toBe(200);
    expect(json).toMatchObject({ agency: 'nl-knp', truncated: false, total: 1, nextCursor: null });
    expect(json.notices).toEqual([
      {
        noticeId,
        messageId: own,
        caseHandle: 'NL-KNP-2026-0412',
        counterpartAgency: 'de-bka',
        counterpartCaseHandle: 'DE-BKA-2026-0977',
        kinds: ['PHONE'],
        strength: 'EXACT',
        counterpartTlp: 'AMBER',
        rules: ['DE-LINKS-EU-01'],
        foundAt: expect.any(String) as unknown,
      },
    ]);
    const graph = json.graph as { edges: { kind: string; from: string; to: string }[] };
    expect(graph.edges.filter((e) => e.kind === 'LINK')).toEqual([
      expect.objectContaining({
        from: 'case:nl-knp:NL-KNP-2026-0412',
        to: 'case:de-bka:DE-BKA-2026-0977',
      }),
    ]);
    const log = await sql<{ actor: string; justification: string }>(
      `SELECT actor, justification FROM le_log WHERE subject = 'links:notices'`,
    );
    expect(log).toEqual([{ actor: 'nl-knp/anna', justification: JUSTIFICATION }]);
  });

  it("never shows one agency another's notices", async () => {
    const { status, json } = await get(dieter, '/v1/links/notices');
    expect(status).toBe(200);
    const notices = json.notices as { counterpartAgency: string; counterpartTlp: string }[];
    expect(notices.map((n) => n.counterpartAgency)).toEqual(['nl-knp']);
    expect(notices.map((n) => n.counterpartTlp)).toEqual(['AMBER+STRICT']);
    expect(JSON.stringify(json)).not.toContain('AMBER_STRICT');
  });

  it('gives oversight the hits per pair of agencies, small counts suppressed', async () => {
    const { status, json } = await get(olga, '/v1/links/overview');
    expect(status).toBe(200);
    expect(json.smallCountThreshold).toBe(5);
    expect(json.pairs).toEqual([
      // 1 link: suppressed, and 6 with it so the total cannot reveal it (nor the 2 below).
      { agencies: ['de-bka', 'nl-knp'], links: 'suppressed', notified: 'suppressed', denied: 0 },
      { agencies: ['fr-ocriest', 'nl-knp'], links: 8, notified: 16, denied: 0 },
      { agencies: ['nl-knp', 'ro-diicot'], links: 'suppressed', notified: 'suppressed', denied: 0 },
      { agencies: ['nl-knp', 'uk-nca'], links: 'suppressed', notified: 0, denied: 'suppressed' },
    ]);
    // A lone small cell in a column: the total goes too.
    expect(json.totals).toEqual({ links: 17, notified: 30, denied: 'suppressed' });
    expect(json.byKind).toEqual([{ kind: 'PHONE', links: 17 }]);
    expect(JSON.stringify(json)).not.toMatch(/NL-KNP-2026|DE-BKA-2026/);
  });

  it('refuses the wrong role, a missing justification and unknown parameters, with reasons', async () => {
    const cases: [AgencyIdentity, string, boolean, number, string][] = [
      [olga, '/v1/links/notices', true, 403, 'auth.role-required'],
      [anna, '/v1/links/overview', true, 403, 'auth.role-required'],
      [anna, '/v1/links/notices', false, 400, 'audit.justification-required'],
      [anna, '/v1/links/notices?limit=5000', true, 400, 'audit.invalid-query'],
      [olga, '/v1/links/overview?agency=nl-knp', true, 400, 'audit.invalid-query'],
    ];
    for (const [who, target, justified, status, code] of cases) {
      const answer = await get(who, target, justified);
      expect([target, answer.status]).toEqual([target, status]);
      expect((answer.json.error as { code: string }).code).toBe(code);
    }
  });
});
