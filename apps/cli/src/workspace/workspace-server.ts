/**
 * `liaison workspace`: the agency's web app, served by this CLI process on the
 * agency's own machine (127.0.0.1 only). The browser talks to this process; this
 * process talks to the hub with the agency's token, decrypts and verifies
 * deliveries with the agency's keys, and signs what it publishes: the keys never
 * leave the machine and never reach the browser.
 *
 * Guarding a local server: it answers only requests whose Host is its own
 * loopback address (no DNS rebinding), only with the access key it printed at
 * start (exchanged once for a SameSite=Strict, HttpOnly cookie), and a state-
 * changing request only from its own origin. Pages carry a strict
 * Content-Security-Policy (no inline script, no framing), and everything they
 * show is escaped (workspace-pages.ts).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { CaseSummary } from '@liaison/cases';
import type { SubmissionStatus } from '@liaison/contracts';
import { asJsonObject, parseStrictJson } from '@liaison/crypto';
import type { AgencyIdentity } from '../agency-identity';
import { caseText, type CaseDetail } from '../commands/case.command';
import {
  summaryOf,
  type DeliverySummary,
  type FeedEntry,
  type FeedPage,
} from '../commands/feed.command';
import { publishOne } from '../commands/publish.command';
import { fetchStatus } from '../commands/status.command';
import { DeliveryReader, type DeliveryJson } from '../delivery-reader';
import { HubError, type HubClient } from '../hub-client';
import { kindOfJson } from '../message-signing';
import { readableMessage } from '../readable-message';
import { APP_CSS, APP_JS } from './workspace-assets';
import {
  caseBody,
  caseListBody,
  deliveryBody,
  errorBox,
  inboxBody,
  linksBody,
  page,
  publishBody,
  sentListBody,
  statusBody,
  type InboxRow,
  type LinkRow,
  type SentItem,
  type Tab,
} from './workspace-pages';

/** Largest request body the workspace reads (a message to publish or preview). */
const MAX_BODY_BYTES = 1_048_576;
const COOKIE = 'liaison_workspace';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer a browser sends its own form posts as Origin: null.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface WorkspaceOptions {
  readonly client: HubClient;
  readonly identity: AgencyIdentity;
  readonly port: number;
  /** The access key; a random one if not given. */
  readonly accessKey?: string;
}

export interface RunningWorkspace {
  readonly url: string;
  /** The URL to open once: it carries the access key. */
  readonly openUrl: string;
  close(): Promise<void>;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A copy of a schema example made fresh for this agency: the publish form's starting point. */
function template(agency: string): string {
  for (const up of ['../../../..', '../../../../..']) {
    try {
      const file = path.resolve(__dirname, up, 'schemas/examples/alert-victim-at-risk.json');
      const message = asJsonObject(parseStrictJson(readFileSync(file, 'utf8')));
      if (!message) continue;
      const now = new Date();
      const draft: Record<string, unknown> = {};
      for (const key of Object.keys(message)) draft[key] = message[key];
      draft.messageId = randomUUID();
      draft.originatorAgency = agency;
      draft.issuedAt = now.toISOString();
      draft.validFrom = now.toISOString();
      draft.validUntil = new Date(now.getTime() + 86_400_000).toISOString();
      return JSON.stringify(draft, null, 2);
    } catch {
      // not in this tree; try the next
    }
  }
  return '{}';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RequestError(413, `the request is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function sameKey(a: string | undefined | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Workspace {
  private readonly reader: DeliveryReader;
  private readonly accessKey: string;
  private readonly entries: FeedEntry[] = [];
  private after = '0';
  private readonly summaries = new Map<string, Promise<DeliverySummary>>();
  private readonly sent: SentItem[] = [];
  private origins: readonly string[] = [];
  private server: Server | undefined;

  constructor(private readonly options: WorkspaceOptions) {
    this.reader = new DeliveryReader(options.client, options.identity);
    this.accessKey = options.accessKey ?? randomBytes(24).toString('base64url');
  }

  private get agency(): string {
    return this.options.identity.agencyId;
  }

  async start(): Promise<RunningWorkspace> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.origins = [`127.0.0.1:${port}`, `localhost:${port}`];
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      openUrl: `${url}/?key=${this.accessKey}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  private send(
    res: ServerResponse,
    status: number,
    type: string,
    body: string,
    extra: Record<string, string> = {},
  ): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
    res.end(body);
  }

  private html(
    res: ServerResponse,
    status: number,
    title: string,
    tab: Tab,
    body: string,
    refresh?: number,
  ) {
    this.send(
      res,
      status,
      'text/html; charset=utf-8',
      page(
        {
          agency: this.agency,
          hub: this.options.client.baseUrl,
          title,
          tab,
          refreshSeconds: refresh,
        },
        body,
      ),
    );
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    this.send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status =
      error instanceof RequestError
        ? error.status
        : error instanceof HubError
          ? 502
          : error instanceof URIError
            ? 400
            : 500;
    const message =
      error instanceof HubError ? `the hub refused: ${error.message}` : reasonOf(error);
    this.send(res, status, 'text/plain; charset=utf-8', `${message}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only our own loopback name: a page elsewhere that rebinds its DNS to 127.0.0.1 gets nothing.
    if (!this.origins.includes(req.headers.host ?? '')) {
      this.send(res, 421, 'text/plain; charset=utf-8', "not this workspace's address\n");
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/' && url.searchParams.has('key')) {
      if (!sameKey(url.searchParams.get('key'), this.accessKey))
        throw new RequestError(403, 'wrong access key: open the link `liaison workspace` printed');
      this.send(res, 303, 'text/plain; charset=utf-8', '', {
        location: '/inbox',
        'set-cookie': `${COOKIE}=${this.accessKey}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return;
    }
    if (!sameKey(cookieOf(req, COOKIE), this.accessKey)) {
      throw new RequestError(
        401,
        'open the link `liaison workspace` printed (it carries the access key)',
      );
    }
    if (method === 'POST') {
      const origin = req.headers.origin;
      if (origin !== undefined && !this.origins.map((o) => `http://${o}`).includes(origin))
        throw new RequestError(403, 'a request from another site');
    }
    const parts = url.pathname
      .split('/')
      .filter((p) => p.length > 0)
      .map(decodeURIComponent);
    const route = `${method} /${parts[0] ?? ''}`;
    switch (route) {
      case 'GET /':
        this.send(res, 303, 'text/plain; charset=utf-8', '', { location: '/inbox' });
        return;
      case 'GET /app.css':
        this.send(res, 200, 'text/css; charset=utf-8', APP_CSS);
        return;
      case 'GET /favicon.ico':
        this.send(res, 204, 'image/x-icon', '');
        return;
      case 'GET /app.js':
        this.send(res, 200, 'text/javascript; charset=utf-8', APP_JS);
        return;
      case 'GET /inbox':
        return parts[1] ? this.deliveryPage(res, parts[1]) : this.inboxPage(res);
      case 'GET /links':
        return this.linksPage(res);
      case 'GET /publish':
        this.html(res, 200, 'Publish', 'publish', publishBody(template(this.agency)));
        return;
      case 'POST /publish':
        return this.publish(req, res);
      case 'POST /api':
        if (parts[1] === 'preview') return this.preview(req, res);
        break;
      case 'GET /sent':
        if (parts[1] === 'lookup') {
          const id = (url.searchParams.get('id') ?? '').trim();
          if (!UUID.test(id)) throw new RequestError(400, 'a message id is a UUID');
          this.send(res, 303, 'text/plain; charset=utf-8', '', {
            location: `/sent/${encodeURIComponent(id.toLowerCase())}`,
          });
          return;
        }
        return parts[1] ? this.statusPage(res, parts[1]) : this.sentPage(res);
      case 'GET /cases':
        return parts[1] ? this.casePage(res, parts[1]) : this.casesPage(res);
      default:
        break;
    }
    throw new RequestError(404, `nothing at ${method} ${url.pathname}`);
  }

  /** New feed entries since the last look (entries never change once written). */
  private async refreshFeed(): Promise<void> {
    for (;;) {
      const page = await this.options.client.get<FeedPage>(
        `/v1/feed?after=${encodeURIComponent(this.after)}&limit=1000`,
      );
      this.entries.push(...page.entries);
      this.after = page.nextCursor;
      if (page.entries.length === 0) return;
    }
  }

  private summary(cursor: string, delivery: DeliveryJson): Promise<DeliverySummary> {
    let s = this.summaries.get(cursor);
    if (!s) {
      s = summaryOf(this.reader, delivery);
      this.summaries.set(cursor, s);
    }
    return s;
  }

  private async inboxPage(res: ServerResponse): Promise<void> {
    await this.refreshFeed();
    const deliveries = this.entries
      .filter((e): e is { cursor: string; delivery: DeliveryJson } => 'delivery' in e)
      .reverse();
    const shown = deliveries.slice(0, 200);
    const rows: InboxRow[] = await Promise.all(
      shown.map(async (e) => ({
        cursor: e.cursor,
        delivery: e.delivery,
        summary: await this.summary(e.cursor, e.delivery),
      })),
    );
    this.html(res, 200, 'Inbox', 'inbox', inboxBody(rows, deliveries.length));
  }

  private async deliveryPage(res: ServerResponse, cursor: string): Promise<void> {
    if (!/^[1-9][0-9]{0,18}$/.test(cursor))
      throw new RequestError(400, 'an entry number is digits');
    await this.refreshFeed();
    const entry = this.entries.find((e) => e.cursor === cursor);
    if (!entry || !('delivery' in entry))
      throw new RequestError(404, `no delivery #${cursor} in your feed`);
    const outcome = await this.reader.readDelivery(entry.delivery);
    const title = outcome.reading
      ? (readableMessage(outcome.reading.verified.claims).headline ?? `Delivery #${cursor}`)
      : `Delivery #${cursor}`;
    this.html(res, 200, title, 'inbox', deliveryBody(cursor, entry.delivery, outcome));
  }

  private async linksPage(res: ServerResponse): Promise<void> {
    await this.refreshFeed();
    const rows: LinkRow[] = this.entries
      .filter(
        (e): e is { cursor: string; linkNotice: Record<string, unknown> } => 'linkNotice' in e,
      )
      .reverse()
      .map((e) => ({ cursor: e.cursor, notice: e.linkNotice }));
    this.html(res, 200, 'Links', 'links', linksBody(rows));
  }

  /** The message of a request: strict JSON, an object. */
  private messageOf(text: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = parseStrictJson(text);
    } catch (error) {
      throw new RequestError(400, `the message is not valid JSON: ${reasonOf(error)}`);
    }
    const message = asJsonObject(parsed);
    if (!message) throw new RequestError(400, 'the message must be a JSON object');
    return message;
  }

  private async preview(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new RequestError(415, 'the preview takes application/json');
    let body: Record<string, unknown> | undefined;
    try {
      body = asJsonObject(parseStrictJson(await readBody(req)));
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError(400, `the preview request is not valid JSON: ${reasonOf(error)}`);
    }
    const text = body?.message;
    if (typeof text !== 'string') throw new RequestError(400, 'no message to preview');
    let message: Record<string, unknown>;
    try {
      message = this.messageOf(text);
    } catch (error) {
      this.json(res, 400, { error: reasonOf(error) });
      return;
    }
    try {
      const report = await this.options.client.post<{
        addressedTo?: string[];
        addressedOnly?: boolean;
        recipients?: {
          recipient: string;
          outcome: string;
          rules: string[];
          fields: { path: string; disclosed: boolean; ruleId?: string }[];
        }[];
      }>('/v1/policies/dry-run', { kind: kindOfJson(message), message });
      this.json(res, 200, {
        addressedTo: report.addressedTo ?? [],
        addressedOnly: report.addressedOnly === true,
        recipients: (report.recipients ?? []).map((r) => ({
          recipient: r.recipient,
          outcome: r.outcome,
          rules: r.rules,
          withheld: r.fields
            .filter((f) => !f.disclosed)
            .map((f) => ({ path: f.path, ruleId: f.ruleId ?? '' })),
        })),
      });
    } catch (error) {
      this.json(res, error instanceof HubError ? 422 : 400, { error: reasonOf(error) });
    }
  }

  private async publish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      throw new RequestError(415, 'the publish form is application/x-www-form-urlencoded');
    const text = new URLSearchParams(await readBody(req)).get('message') ?? '';
    let answer: { messageId: string };
    let message: Record<string, unknown>;
    try {
      message = this.messageOf(text);
      answer = await publishOne(this.options.client, this.options.identity, message, {
        idempotencyKey: typeof message.messageId === 'string' ? message.messageId : undefined,
      });
    } catch (error) {
      const reason =
        error instanceof HubError ? `the hub refused: ${error.message}` : reasonOf(error);
      this.html(res, 400, 'Publish', 'publish', publishBody(text, reason));
      return;
    }
    const shown = readableMessage(message);
    this.sent.unshift({
      messageId: answer.messageId,
      messageType: shown.messageType,
      headline: shown.headline,
      at: new Date().toISOString(),
    });
    this.send(res, 303, 'text/plain; charset=utf-8', '', {
      location: `/sent/${encodeURIComponent(answer.messageId)}`,
    });
  }

  private sentPage(res: ServerResponse): void {
    this.html(res, 200, 'Sent', 'sent', sentListBody(this.sent));
  }

  private async statusPage(res: ServerResponse, id: string): Promise<void> {
    if (!UUID.test(id)) throw new RequestError(400, 'a message id is a UUID');
    let status: SubmissionStatus;
    try {
      status = await fetchStatus(this.options.client, id);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      this.html(res, error.status === 404 ? 404 : 502, 'Sent', 'sent', errorBox(error.message));
      return;
    }
    // Still being decided or delivered: the page reloads itself until it is settled.
    const settled =
      status.status === 'DECIDED' &&
      status.recipients.every((r) => r.outcome === 'DENIED' || r.deliveryEntryId !== null);
    this.html(
      res,
      200,
      `Outcome of ${status.messageType}`,
      'sent',
      statusBody(status),
      settled ? undefined : 2,
    );
  }

  private async casesPage(res: ServerResponse): Promise<void> {
    const list = await this.options.client.get<{ cases: CaseSummary[] }>('/v1/cases?limit=200');
    this.html(res, 200, 'Cases', 'cases', caseListBody(list.cases));
  }

  private async casePage(res: ServerResponse, caseRef: string): Promise<void> {
    let detail: CaseDetail;
    try {
      detail = await this.options.client.get<CaseDetail>(
        `/v1/cases/${encodeURIComponent(caseRef)}`,
      );
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      this.html(
        res,
        error.status === 404 ? 404 : 502,
        `Case ${caseRef}`,
        'cases',
        errorBox(error.message),
      );
      return;
    }
    this.html(res, 200, `Case ${detail.caseRef}`, 'cases', caseBody(caseText(detail, Date.now())));
  }
}
