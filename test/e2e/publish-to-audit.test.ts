/**
 * End to end against the real running hub (gateway, policy worker, audit app on
 * the real Kafka and PostgreSQL): an agency publishes through the CLI and through
 * the HTTP API; each partner's feed shows its own redacted presentation; the
 * recipient verifies it OFFLINE with the CLI (originator signature, disclosures,
 * hub receipt; an encrypted delivery is decrypted with the recipient's own key);
 * a tampered copy fails; the liaison officer's audit shows every decision.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import {
  DEMO_KEYS_DIR,
  eventually,
  runCli,
  seedNamespace,
  dropNamespaceDatabase,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { freshMessage, handling } from '../support/submissions';

interface FeedEntry {
  cursor: string;
  delivery: {
    messageId: string;
    recipientAgency: string;
    originatorAgency: string;
    encrypted: boolean;
    presentation: string;
    disclosedPaths: string[];
    withheld: { path: string; ruleId: string }[];
  };
}

const work = mkdtempSync(path.join(tmpdir(), 'liaison-e2e-'));

function token(agency: string, officer?: string, roles?: string): string {
  return new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles }).token();
}

/** An officer's audit read: fresh token and the justification signed for this request. */
function auditRead(hub: RunningHub, target: string, agency: string, officer: string) {
  const id = new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles: 'liaison' });
  return fetch(`${hub.url}${target}`, {
    headers: {
      authorization: `Bearer ${id.token()}`,
      'x-justification': id.auditJustification('GET', target, 'e2e: review of case sharing'),
    },
  });
}

async function feedOf(
  hub: RunningHub,
  agency: string,
  messageId: string,
): Promise<FeedEntry | undefined> {
  const res = await fetch(`${hub.url}/v1/feed?after=0&limit=1000`, {
    headers: { authorization: `Bearer ${token(agency)}` },
  });
  expect(res.status).toBe(200);
  const page = (await res.json()) as { entries: FeedEntry[] };
  for (const e of page.entries) expect(e.delivery.recipientAgency).toBe(agency);
  return page.entries.find((e) => e.delivery.messageId === messageId);
}

describe('publish → feeds → offline verification → audit', () => {
  let hub: RunningHub;
  const alert = freshMessage('alert-victim-at-risk', 'nl-knp', (m) => {
    m.caseRef = `E2E-${randomUUID().slice(0, 8)}`;
  });

  beforeAll(async () => {
    await seedNamespace();
    hub = await startHub();
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
    await dropNamespaceDatabase();
  }, 60_000);

  it('publishes through the CLI and delivers per-recipient redactions', async () => {
    const file = path.join(work, 'alert.json');
    writeFileSync(file, JSON.stringify(alert));
    const published = await runCli([
      '--hub',
      hub.url,
      '--agency',
      'nl-knp',
      '--json',
      'publish',
      file,
    ]);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ total: 1, accepted: 1, refused: 0 });

    // ro-diicot: accredited for victims and minors → everything.
    const ro = await eventually(
      () => feedOf(hub, 'ro-diicot', String(alert.messageId)),
      30_000,
      'ro-diicot delivery',
    );
    expect(ro.delivery.withheld).toEqual([]);
    expect(ro.delivery.disclosedPaths).toEqual(
      expect.arrayContaining(['subjects[0].identity.fullName', 'subjects[1].identity.fullName']),
    );
    // de-bka: victim-support accredited but not for minors → the minor's identity withheld; its feed is encrypted.
    const de = await eventually(
      () => feedOf(hub, 'de-bka', String(alert.messageId)),
      30_000,
      'de-bka delivery',
    );
    expect(de.delivery.encrypted).toBe(true);
    expect(de.delivery.withheld).toEqual(
      expect.arrayContaining([
        { path: 'subjects[0].identity.fullName', ruleId: 'builtin:minor-identity' },
      ]),
    );
    expect(de.delivery.disclosedPaths).toContain('subjects[1].identity.fullName');
    // fr-ocriest is not on the originator's releasability list → nothing at all.
    expect(await feedOf(hub, 'fr-ocriest', String(alert.messageId))).toBeUndefined();
  }, 90_000);

  it('lets each recipient verify its delivery offline, and detects tampering', async () => {
    const jwksRes = await fetch(`${hub.url}/v1/directory/agencies/nl-knp/jwks`);
    const hubRes = await fetch(`${hub.url}/.well-known/jwks.json`);
    const originatorJwks = path.join(work, 'nl-knp.jwks.json');
    const hubJwks = path.join(work, 'hub.jwks.json');
    writeFileSync(originatorJwks, await jwksRes.text());
    writeFileSync(hubJwks, await hubRes.text());

    const ro = await feedOf(hub, 'ro-diicot', String(alert.messageId));
    const roFile = path.join(work, 'ro.json');
    writeFileSync(roFile, JSON.stringify(ro));
    // No hub reachable: the verification is offline, from the two JWKS files.
    const ok = await runCli([
      '--hub',
      'http://127.0.0.1:9',
      '--json',
      'verify',
      roFile,
      '--originator-jwks',
      originatorJwks,
      '--hub-jwks',
      hubJwks,
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as {
      valid: boolean;
      originator: string;
      withheldCount: number;
      receipt: { valid: boolean };
    };
    expect(report).toMatchObject({
      valid: true,
      originator: 'nl-knp',
      withheldCount: 0,
      receipt: { valid: true },
    });

    const de = await feedOf(hub, 'de-bka', String(alert.messageId));
    const deFile = path.join(work, 'de.json');
    writeFileSync(deFile, JSON.stringify(de));
    const decrypted = await runCli([
      '--hub',
      'http://127.0.0.1:9',
      '--agency',
      'de-bka',
      '--json',
      'verify',
      deFile,
      '--originator-jwks',
      originatorJwks,
      '--hub-jwks',
      hubJwks,
    ]);
    expect(decrypted.stderr).toBe('');
    expect(decrypted.code).toBe(0);
    const deReport = JSON.parse(decrypted.stdout) as {
      valid: boolean;
      withheldCount: number;
      claims: { subjects: { identity?: unknown }[] };
    };
    expect(deReport.valid).toBe(true);
    expect(deReport.withheldCount).toBeGreaterThan(0);
    expect(deReport.claims.subjects[0]?.identity).toBeUndefined();
    expect(deReport.claims.subjects[1]?.identity).toBeDefined();

    // Tampering: changing what the hub says was withheld breaks the receipt.
    const tampered = structuredClone(ro!);
    tampered.delivery.withheld = [{ path: 'narrative', ruleId: 'forged' }];
    const tamperedFile = path.join(work, 'tampered.json');
    writeFileSync(tamperedFile, JSON.stringify(tampered));
    const bad = await runCli([
      '--hub',
      'http://127.0.0.1:9',
      '--json',
      'verify',
      tamperedFile,
      '--originator-jwks',
      originatorJwks,
      '--hub-jwks',
      hubJwks,
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, receipt: { valid: false } });
  }, 60_000);

  it('accepts a case notice over plain HTTP (SD-JWT) and answers 202 with a status URL', async () => {
    const notice = freshMessage('case-notice-case-closed', 'ro-diicot', (m) => {
      m.caseRef = alert.caseRef;
      handling(m).releasableTo = [];
    });
    const { sdJwt } = await signMessage(
      new AgencyIdentity({ agency: 'ro-diicot', keys: DEMO_KEYS_DIR }),
      notice,
    );
    const res = await fetch(`${hub.url}/v1/case-notices`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token('ro-diicot')}`,
        'content-type': 'application/sd+jwt',
        'idempotency-key': `e2e-${String(notice.messageId)}`,
      },
      body: sdJwt,
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { messageId: string; statusUrl: string };
    expect(accepted.messageId).toBe(notice.messageId);
    const status = await eventually(
      async () => {
        const r = await fetch(`${hub.url}${accepted.statusUrl}`, {
          headers: { authorization: `Bearer ${token('ro-diicot')}` },
        });
        const body = (await r.json()) as { status: string; outcomes: Record<string, number> };
        return body.status === 'DECIDED' ? body : undefined;
      },
      30_000,
      'decided status',
    );
    expect(status.outcomes.FULL ?? 0).toBeGreaterThan(0);
    const nl = await eventually(
      () => feedOf(hub, 'nl-knp', String(notice.messageId)),
      30_000,
      'nl-knp delivery',
    );
    expect(nl.delivery.originatorAgency).toBe('ro-diicot');
  }, 90_000);

  it("shows the originator's liaison officer every decision, with rules and withheld fields", async () => {
    const rows = await eventually(
      async () => {
        const res = await auditRead(
          hub,
          `/v1/audit/records?caseRef=${encodeURIComponent(String(alert.caseRef))}&direction=sent&limit=100`,
          'nl-knp',
          'anna',
        );
        expect(res.status).toBe(200);
        const page = (await res.json()) as {
          records: {
            recipient: { agency: string };
            decision: string;
            rules: string[];
            withheld: { ruleId: string }[];
          }[];
        };
        return page.records.length >= 9 ? page.records : undefined;
      },
      30_000,
      'ledger rows',
    );
    const by = new Map(rows.map((r) => [r.recipient.agency, r]));
    expect(by.get('ro-diicot')?.decision).toBe('FULL');
    expect(by.get('de-bka')?.decision).toBe('REDACTED');
    expect(by.get('de-bka')?.withheld.map((w) => w.ruleId)).toContain('builtin:minor-identity');
    expect(by.get('fr-ocriest')).toMatchObject({
      decision: 'DENIED',
      rules: ['builtin:releasability'],
    });
    expect(by.get('int-hub')).toMatchObject({ decision: 'DENIED', rules: ['NL-HUB-DENY-01'] });
    expect(by.has('nl-knp')).toBe(false);

    // Another agency's liaison officer sees only records its own agency is party to.
    const other = await auditRead(
      hub,
      `/v1/audit/records?caseRef=${encodeURIComponent(String(alert.caseRef))}&limit=100`,
      'fr-ocriest',
      'felix',
    );
    expect(other.status).toBe(200);
    const visible = (
      (await other.json()) as {
        records: { originator: { agency: string }; recipient: { agency: string } }[];
      }
    ).records;
    for (const r of visible)
      expect([r.originator.agency, r.recipient.agency]).toContain('fr-ocriest');
  }, 60_000);
});
