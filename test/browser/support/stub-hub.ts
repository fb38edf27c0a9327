/**
 * A stand-in for the hub's HTTP API, following the console's contract (console
 * session, audit records/detail/verify/checkpoints/proof/metrics, directory), so
 * the console's states that are hard to produce on the real hub (a TAMPERED
 * ledger, purged content, suppressed counts) can be exercised in a real browser
 * in seconds. Serves the console's real static files. Not used by the hub.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ROOT } from '../../support/hub-processes';

const CONSOLE_DIR = path.join(ROOT, 'apps/gateway/console');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StubSession {
  agencyId: string;
  officerId: string;
  roles: string[];
  /** The text of the signed justification attached to the session. */
  justification?: string;
}

export interface StubHub {
  readonly url: string;
  /** verified | tampered | none */
  chain: 'verified' | 'tampered' | 'none';
  /** The justifications audit reads rested on, in order. */
  readonly justifications: string[];
  /** Officer token the stub accepts: `stub-officer.<agency>.<officer>.<roles>`. */
  officerToken(agency: string, officer: string, roles: string): string;
  /**
   * A stand-in for `liaison ... justify <text>` (compact-JWS shaped; the stub
   * reads the text back without a signature check, the real hub verifies it).
   */
  signedJustification(text: string): string;
  close(): Promise<void>;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const nodeHash = (l: Buffer, r: Buffer): Buffer =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from([1]), l, r]))
    .digest();

/** The SD-JWT's registered claims around the message, as the real hub returns them. */
const token = { iss: 'nl-knp', iat: 1741934400, jti: 'f3d1c0de-7a2b-4c55-9e01-3b8a6d2e4f10' };
const sent = {
  ...token,
  messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
  issuedAt: '2025-03-14T06:40:00.000Z',
  originatorAgency: 'nl-knp',
  messageType: 'VICTIM_AT_RISK',
  caseRef: 'NL-2025-0142',
  urgency: 'IMMEDIATE',
  headline: 'Minor believed to be moved by van from Rotterdam towards Germany',
  subjects: [
    {
      role: 'VICTIM',
      minor: true,
      identity: {
        fullName: 'Ana-Maria Petrescu',
        documents: [{ documentType: 'NATIONAL_ID', number: 'RX482913' }],
      },
    },
  ],
  financialIdentifiers: [{ kind: 'IBAN', value: 'NL91ABNA0417164300' }],
  narrative: 'Reporting person (aunt) states that the girl was recruited via Telegram.',
};
const received = {
  ...token,
  messageId: sent.messageId,
  issuedAt: sent.issuedAt,
  originatorAgency: 'nl-knp',
  messageType: 'VICTIM_AT_RISK',
  caseRef: 'NL-2025-0142',
  urgency: 'IMMEDIATE',
  headline: sent.headline,
  subjects: [{ role: 'VICTIM', minor: true, identity: { fullName: 'Ana-Maria Petrescu' } }],
};

interface Row {
  seq: number;
  messageId: string;
  kind: string;
  messageType: string;
  caseRef: string | null;
  originatorAgency: string;
  originatorJurisdiction: string;
  recipientAgency: string;
  recipientJurisdiction: string;
  decision: 'FULL' | 'REDACTED' | 'DENIED';
  rules: string[];
  disclosedPaths: string[];
  withheld: { path: string; ruleId: string }[];
  policyVersion: string;
  presentationDigest: string | null;
  decidedAt: string;
  recordedAt: string;
}

function rows(): Row[] {
  const base = {
    messageId: sent.messageId,
    kind: 'ALERT',
    messageType: 'VICTIM_AT_RISK',
    caseRef: 'NL-2025-0142',
    originatorAgency: 'nl-knp',
    originatorJurisdiction: 'NL',
    policyVersion: 'pv-7f3a9c',
    decidedAt: '2025-03-14T06:40:01.120Z',
    recordedAt: '2025-03-14T06:40:01.480Z',
  };
  return [
    {
      ...base,
      seq: 1,
      recipientAgency: 'de-bka',
      recipientJurisdiction: 'DE',
      decision: 'FULL',
      rules: ['NL-EU-01'],
      disclosedPaths: ['headline', 'narrative'],
      withheld: [],
      presentationDigest: sha('1'),
    },
    {
      ...base,
      seq: 2,
      recipientAgency: 'th-dsi',
      recipientJurisdiction: 'TH',
      decision: 'REDACTED',
      rules: ['NL-ASEAN-01'],
      disclosedPaths: ['headline'],
      withheld: [
        { path: 'narrative', ruleId: 'NL-ASEAN-01' },
        { path: 'financialIdentifiers[]', ruleId: 'NL-ASEAN-01' },
        { path: 'subjects[].identity.documents[]', ruleId: 'NL-ASEAN-01' },
      ],
      presentationDigest: sha('2'),
    },
    {
      ...base,
      seq: 3,
      recipientAgency: 'ngo-safehaven',
      recipientJurisdiction: 'NL',
      decision: 'DENIED',
      rules: ['builtin:default-deny'],
      disclosedPaths: [],
      withheld: [],
      presentationDigest: null,
    },
    {
      ...base,
      seq: 4,
      caseRef: 'NL-2024-0007',
      messageId: '0e9a3c57-0000-4000-8000-000000000004',
      recipientAgency: 'uk-nca',
      recipientJurisdiction: 'GB',
      decision: 'REDACTED',
      rules: ['NL-UK-01'],
      disclosedPaths: ['headline'],
      withheld: [{ path: 'financialIdentifiers[]', ruleId: 'NL-UK-01' }],
      presentationDigest: sha('4'),
      decidedAt: '2024-06-01T10:00:00.000Z',
      recordedAt: '2024-06-01T10:00:00.500Z',
    },
  ];
}

const agencies = [
  ['nl-knp', 'Netherlands National Police', 'NL'],
  ['de-bka', 'Bundeskriminalamt', 'DE'],
  ['th-dsi', 'Department of Special Investigation', 'TH'],
  ['uk-nca', 'National Crime Agency', 'GB'],
  ['ngo-safehaven', 'SafeHaven victim support', 'NL'],
  ['eu-dpo', 'EU data-protection oversight', 'EU'],
].map(([id, name, jurisdiction]) => ({ id, name, jurisdiction, status: 'ACTIVE' }));

/** A ledger row as GET /v1/audit/records answers it. */
function apiRecord(r: Row, reader: StubSession): Record<string, unknown> {
  const {
    originatorAgency,
    originatorJurisdiction,
    recipientAgency,
    recipientJurisdiction,
    ...rest
  } = r;
  return {
    ...rest,
    leafHash: sha(`leaf-${r.seq}`),
    custodial: false,
    direction: reader.roles.includes('oversight')
      ? null
      : originatorAgency === reader.agencyId
        ? 'sent'
        : 'received',
    originator: { agency: originatorAgency, jurisdiction: originatorJurisdiction },
    recipient: { agency: recipientAgency, jurisdiction: recipientJurisdiction },
  };
}

export async function startStubHub(): Promise<StubHub> {
  const sessions = new Map<string, StubSession>();
  const justifications: string[] = [];
  const ledger = rows();
  const leaves = ledger.map((r) =>
    createHash('sha256')
      .update(Buffer.from([0]))
      .update(JSON.stringify(r))
      .digest(),
  );
  const rootOf = (l: Buffer[]): Buffer =>
    l.length === 1
      ? l[0]!
      : nodeHash(
          rootOf(l.slice(0, 2 ** Math.floor(Math.log2(l.length - 1)))),
          rootOf(l.slice(2 ** Math.floor(Math.log2(l.length - 1)))),
        );
  const stub = { chain: 'verified' as StubHub['chain'] };

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    type = 'application/json',
  ): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string): void =>
    send(res, status, { error: { code, message } });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const p = url.pathname;
    if (p === '/console' || p.startsWith('/console/')) {
      const file = p === '/console' || p === '/console/' ? 'index.html' : path.basename(p);
      try {
        const body = readFileSync(path.join(CONSOLE_DIR, file));
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        });
        res.end(body);
      } catch {
        fail(res, 404, 'not-found', 'no such file');
      }
      return;
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (p === '/v1/console/session' && req.method === 'POST') {
      const m = /^stub-officer\.([a-z0-9-]+)\.([a-z0-9-]+)\.([a-z,-]+)$/.exec(bearer);
      if (!m)
        return fail(res, 401, 'token.invalid', 'officer token invalid: signature does not verify');
      const token = `lsess_${sha(bearer + Math.random()).slice(0, 32)}`;
      const session = { agencyId: m[1]!, officerId: m[2]!, roles: m[3]!.split(',') };
      sessions.set(token, session);
      return send(res, 201, {
        sessionToken: token,
        expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
        ...session,
      });
    }
    const session = sessions.get(bearer);
    if (!session)
      return fail(res, 401, 'session.expired', 'console session unknown or expired: log in again');
    if (p === '/v1/console/session' && req.method === 'DELETE') {
      sessions.delete(bearer);
      res.writeHead(204).end();
      return;
    }
    if (p === '/v1/console/session/justification' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { statement?: string };
        const m = /^stub-justification\.([A-Za-z0-9_-]+)\.sig$/.exec(body.statement ?? '');
        if (!m)
          return fail(res, 401, 'statement.bad-signature', 'statement signature does not verify');
        session.justification = Buffer.from(m[1]!, 'base64url').toString('utf8');
        return send(res, 201, {
          justification: session.justification,
          statement: { seq: justifications.length + 1, hash: sha(body.statement ?? '') },
        });
      });
      return;
    }
    if (p === '/v1/directory/agencies') return send(res, 200, agencies);
    if (!p.startsWith('/v1/audit/')) return fail(res, 404, 'not-found', 'no such route');
    if (!session.justification)
      return fail(
        res,
        400,
        'audit.justification-required',
        'attach a signed justification to this console session first',
      );
    justifications.push(session.justification);
    const oversight = session.roles.includes('oversight');
    const visible = ledger.filter(
      (r) =>
        oversight ||
        r.originatorAgency === session.agencyId ||
        r.recipientAgency === session.agencyId,
    );
    if (p === '/v1/audit/records' || p === '/v1/audit/records.csv') {
      const q = url.searchParams;
      const matched = visible.filter(
        (r) =>
          (!q.get('caseRef') || r.caseRef === q.get('caseRef')) &&
          (!q.get('decision') || r.decision === q.get('decision')) &&
          (!q.get('counterpart') ||
            r.recipientAgency === q.get('counterpart') ||
            r.originatorAgency === q.get('counterpart')),
      );
      if (p.endsWith('.csv')) {
        return send(
          res,
          200,
          ['seq,decision', ...matched.map((r) => `${r.seq},${r.decision}`)].join('\n'),
          'text/csv',
        );
      }
      const limit = Number(q.get('limit') ?? 50);
      const start = Number(q.get('cursor') ?? 0);
      const ordered = q.get('order') === 'newest' ? [...matched].reverse() : matched;
      const page = ordered.slice(start, start + Math.min(limit, 2));
      const next = start + page.length < matched.length ? String(start + page.length) : null;
      return send(res, 200, {
        records: page.map((r) => apiRecord(r, session)),
        nextCursor: next,
        total: matched.length,
      });
    }
    const detail = /^\/v1\/audit\/records\/(\d+)$/.exec(p);
    if (detail) {
      const row = visible.find((r) => r.seq === Number(detail[1]));
      if (!row) return fail(res, 404, 'audit.not-found', `no record ${detail[1]}`);
      const record = apiRecord(row, session);
      if (oversight) {
        const none = { available: false, reason: 'oversight sees metadata only' };
        return send(res, 200, { record, sent: none, received: none });
      }
      const erased = { available: false, reason: 'erased: the retention period ended' };
      const shown = (claims: unknown) => ({ available: true, claims, hiddenFields: 0 });
      const sentView =
        row.originatorAgency === session.agencyId
          ? row.seq === 4
            ? erased
            : shown(sent)
          : {
              available: false,
              reason: "the originator's full content is only shown to the originator's officers",
            };
      const receivedView =
        row.decision === 'DENIED'
          ? { available: false, reason: 'denied: nothing was delivered' }
          : row.seq === 4
            ? erased
            : shown(row.seq === 1 ? sent : received);
      return send(res, 200, {
        record,
        sent: sentView,
        received: receivedView,
        withheld: row.withheld,
      });
    }
    if (p === '/v1/audit/verify') {
      const root = rootOf(leaves).toString('hex');
      const base = { rows: 4, rootHash: root, badCheckpointSignatures: [] };
      if (stub.chain === 'none')
        return send(res, 200, {
          ...base,
          ok: true,
          status: 'verified',
          latestCheckpoint: null,
          checkpointsChecked: 0,
          uncheckpointedRows: 4,
          findings: [],
          summary: [],
        });
      if (stub.chain === 'tampered')
        return send(res, 200, {
          ...base,
          ok: false,
          status: 'broken',
          latestCheckpoint: { treeSize: 4, rootHash: root },
          checkpointsChecked: 1,
          uncheckpointedRows: 0,
          findings: [{ kind: 'leaf-mismatch', seq: 2, stored: 'aa', recomputed: 'bb' }],
          summary: ['seq 2: row fields no longer hash to the stored leaf (UPDATE?)'],
        });
      return send(res, 200, {
        ...base,
        ok: true,
        status: 'verified',
        latestCheckpoint: { treeSize: 4, rootHash: root },
        checkpointsChecked: 1,
        uncheckpointedRows: 0,
        findings: [],
        summary: [],
      });
    }
    if (p === '/v1/audit/checkpoints') {
      // One checkpoint per tree size, largest first, two a page.
      const before = Number(url.searchParams.get('before') ?? leaves.length + 1);
      const sizes = [4, 3, 2, 1].filter((n) => n < before).slice(0, 2);
      return send(res, 200, {
        checkpoints: sizes.map((n) => ({
          treeSize: n,
          rootHash: rootOf(leaves.slice(0, n)).toString('hex'),
          issuedAt: `2025-03-14T06:4${n}:00.000Z`,
          kid: 'hub-2025',
          jws: 'eyJhbGciOiJFZERTQSJ9.e30.sig',
        })),
        nextCursor:
          sizes.includes(1) || sizes.length === 0 ? null : String(sizes[sizes.length - 1]),
        total: 4,
      });
    }
    if (p === '/v1/audit/refusals') {
      const refusals = [3, 2, 1].map((id) => ({
        id,
        at: `2025-03-14T07:0${id}:00.000Z`,
        stage: 'gateway',
        aggregate: false,
        count: 1,
        agency: 'nl-knp',
        attribution: 'verified',
        reasonCode: id === 2 ? 'sdjwt.revoked-key' : 'auth.token-expired',
        reasonCodes: null,
        status: 401,
        keyId: 'nl-knp-2025-officer-signing-key-with-a-long-identifier',
        messageKeyId: null,
        messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
        correlationId: null,
        source: null,
        refusedAt: `2025-03-14T07:0${id}:00.000Z`,
        windowStart: null,
        windowEnd: null,
      }));
      const newest = url.searchParams.get('order') === 'newest';
      return send(res, 200, {
        refusals: newest ? refusals : [...refusals].reverse(),
        nextCursor: null,
        total: refusals.length,
      });
    }
    const proof = /^\/v1\/audit\/proof\/(\d+)$/.exec(p);
    if (proof) {
      // Proof for a 4-leaf tree: sibling leaf, then the other pair's hash.
      const i = Number(proof[1]) - 1;
      const sibling = leaves[i ^ 1]!;
      const otherPair = i < 2 ? nodeHash(leaves[2]!, leaves[3]!) : nodeHash(leaves[0]!, leaves[1]!);
      return send(res, 200, {
        seq: i + 1,
        leafIndex: i,
        leafHash: leaves[i]!.toString('hex'),
        treeSize: 4,
        rootHash: rootOf(leaves).toString('hex'),
        proof: [sibling.toString('hex'), otherPair.toString('hex')],
      });
    }
    if (p === '/v1/audit/metrics') {
      // As the hub: by hour for a period of up to two days, else by day.
      const from = Date.parse(url.searchParams.get('from') ?? '');
      const to = Date.parse(url.searchParams.get('to') ?? '');
      const hourly = to - from <= 2 * 86_400_000;
      return send(res, 200, {
        from: new Date(from || Date.now() - 90 * 86_400_000).toISOString(),
        to: new Date(to || Date.now()).toISOString(),
        scope: oversight ? { agency: 'all' } : { agency: session.agencyId },
        smallCountThreshold: 5,
        bucket: hourly ? 'hour' : 'day',
        summary: {
          messages: hourly ? 6 : 41,
          deliveries: hourly ? 11 : 212,
          denials: hourly ? '<5' : 16,
          refusals: 3,
          openCases: 7,
          linkNotices: hourly ? 0 : 9,
        },
        sharesPerCounterpartJurisdictionPerDay: hourly
          ? [
              { day: '2025-03-14T05:00Z', jurisdiction: 'DE', count: 6 },
              { day: '2025-03-14T06:00Z', jurisdiction: 'DE', count: 5 },
            ]
          : [
              { day: '2025-03-12', jurisdiction: 'DE', count: 6 },
              { day: '2025-03-13', jurisdiction: 'DE', count: 9 },
              { day: '2025-03-13', jurisdiction: 'TH', count: '<5' },
              { day: '2025-03-14', jurisdiction: 'GB', count: 5 },
              { day: '2025-03-14', jurisdiction: 'DE', count: 7 },
            ],
        denialsByRule: [
          { rule: 'builtin:default-deny', count: 12 },
          { rule: 'NL-NGO-01', count: 4 },
        ],
        casesPerJurisdiction: [
          {
            jurisdiction: 'NL',
            casesOpened: 20,
            casesResolved: 9,
            casesWithVictimReferral: 14,
            resolutionRate: 0.45,
            victimReferralRate: 0.7,
          },
          {
            jurisdiction: 'RO',
            casesOpened: 11,
            casesResolved: 5,
            casesWithVictimReferral: 6,
            resolutionRate: 0.455,
            victimReferralRate: 0.545,
          },
          {
            jurisdiction: 'TH',
            casesOpened: '<5',
            casesResolved: 0,
            casesWithVictimReferral: '<5',
            resolutionRate: null,
            victimReferralRate: null,
          },
        ],
      });
    }
    return fail(res, 404, 'not-found', 'no such route');
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const hub: StubHub = Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    justifications,
    officerToken: (agency: string, officer: string, roles: string) =>
      `stub-officer.${agency}.${officer}.${roles}`,
    signedJustification: (text: string) =>
      `stub-justification.${Buffer.from(text, 'utf8').toString('base64url')}.sig`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  return hub;
}
