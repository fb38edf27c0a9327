/**
 * The console's client for the hub API. Login exchanges one freshly minted,
 * single-use officer token for a 30-minute opaque console session token
 * (`lsess_...`), kept in sessionStorage only (gone when the tab closes). The
 * session's audit reads rest on the officer's signed justification: an
 * audit.read statement printed by `liaison ... justify "<reason>"` with the
 * officer's own key, which the console attaches to the session once
 * (POST /v1/console/session/justification). The browser never holds the key;
 * the hub verifies the statement, keeps it in the officer statement log and
 * logs every read with it.
 */

import { readJson } from './safe-json.js';

const SESSION_KEY = 'liaison.console.session';
const JUSTIFICATION_KEY = 'liaison.console.justification';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function errorOf(res) {
  let code = `http.${res.status}`;
  let message = `${res.status} ${res.statusText || 'request failed'}`;
  try {
    const body = await readJson(res);
    if (body && typeof body === 'object' && body.error) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    } else if (body && typeof body.message === 'string') {
      message = body.message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

const SIGNED_STATEMENT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A signed justification is a compact JWS; plain text is refused before it reaches the hub. */
export function justificationProblem(text) {
  const value = text.trim();
  if (!value) return 'Paste the signed justification printed by: liaison ... justify "<reason>".';
  if (value.length > 8192) return 'That is too long for a signed justification.';
  if (!SIGNED_STATEMENT.test(value))
    return 'That is not a signed justification. Run liaison --agency <agency> --officer <you> justify "<reason>" and paste what it prints.';
  return null;
}

export class HubApi {
  constructor(base = '') {
    this.base = base;
    this.onSessionLost = () => {};
  }

  get session() {
    try {
      const raw = sessionStorage.getItem(SESSION_KEY);
      if (!raw) return null;
      const session = JSON.parse(raw);
      if (!session.sessionToken || Date.parse(session.expiresAt) <= Date.now()) {
        sessionStorage.removeItem(SESSION_KEY);
        return null;
      }
      return session;
    } catch {
      return null;
    }
  }

  /** The text of the justification the hub accepted for this session ('' before). */
  get justification() {
    return sessionStorage.getItem(JUSTIFICATION_KEY) ?? '';
  }

  /** Attaches the officer's signed justification to the session; the hub answers with its text. */
  async justify(signed) {
    const res = await fetch(`${this.base}/v1/console/session/justification`, {
      method: 'POST',
      headers: { ...this.headers('application/json'), 'content-type': 'application/json' },
      body: JSON.stringify({ statement: signed.trim() }),
    });
    if (!res.ok) {
      const error = await errorOf(res);
      if (res.status === 401) {
        sessionStorage.removeItem(SESSION_KEY);
        this.onSessionLost(error.message);
      }
      throw error;
    }
    const answer = await readJson(res);
    if (typeof answer?.justification !== 'string')
      throw new ApiError(
        res.status,
        'console.bad-answer',
        'The hub did not confirm the justification.',
      );
    sessionStorage.setItem(JUSTIFICATION_KEY, answer.justification);
    return answer;
  }

  /** Exchanges an officer token (from `liaison ... token`) for a console session. */
  async login(officerToken) {
    const token = officerToken.trim().replace(/^Bearer\s+/i, '');
    if (!token) throw new ApiError(0, 'console.no-token', 'Paste an officer token first.');
    if (token.startsWith('lsess_'))
      throw new ApiError(
        0,
        'console.session-token',
        'That is a session token; paste an officer token.',
      );
    const res = await fetch(`${this.base}/v1/console/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    if (!res.ok) throw await errorOf(res);
    const session = await readJson(res);
    if (typeof session.sessionToken !== 'string')
      throw new ApiError(res.status, 'console.bad-session', 'The hub did not return a session.');
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  async logout() {
    const session = this.session;
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(JUSTIFICATION_KEY);
    if (!session) return;
    try {
      await fetch(`${this.base}/v1/console/session`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${session.sessionToken}` },
      });
    } catch {
      // the session expires by itself within 30 minutes
    }
  }

  headers(accept) {
    const session = this.session;
    if (!session) {
      this.onSessionLost('Your console session has ended. Log in again.');
      throw new ApiError(
        401,
        'console.no-session',
        'Your console session has ended. Log in again.',
      );
    }
    return { authorization: `Bearer ${session.sessionToken}`, accept };
  }

  async request(path, params, accept = 'application/json') {
    const res = await fetch(`${this.base}${path}${query(params)}`, {
      headers: this.headers(accept),
    });
    if (!res.ok) {
      const error = await errorOf(res);
      if (res.status === 401) {
        sessionStorage.removeItem(SESSION_KEY);
        this.onSessionLost(error.message);
      }
      throw error;
    }
    return res;
  }

  async json(path, params) {
    return readJson(await this.request(path, params));
  }

  /** POST a JSON body; answers the JSON the hub returns. */
  async post(path, body) {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { ...this.headers('application/json'), 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    if (!res.ok) {
      const error = await errorOf(res);
      if (res.status === 401) {
        sessionStorage.removeItem(SESSION_KEY);
        this.onSessionLost(error.message);
      }
      throw error;
    }
    return readJson(res);
  }

  /** The jurisdiction's policy versions: drafts, approvals, rejections, newest first. */
  policies() {
    return this.json('/v1/policies');
  }

  /** A stored draft's rule changes and its replay over the latest `last` shares. */
  whatIf(changeId, last) {
    return this.post('/v1/policies/what-if', { changeId, last });
  }

  /** Approve or reject a draft with the officer's signed statement (and, to reject, the reason). */
  decidePolicy(changeId, act, statement, reason) {
    return this.post(
      `/v1/policies/drafts/${encodeURIComponent(changeId)}/${act}`,
      act === 'reject' ? { statement: statement.trim(), reason } : { statement: statement.trim() },
    );
  }

  agencies() {
    return this.json('/v1/directory/agencies');
  }

  /** One page of the ledger search, newest first, with the total it matches. */
  records(filters, cursor, limit = 50) {
    return this.json('/v1/audit/records', { ...filters, order: 'newest', cursor, limit });
  }

  async recordsCsv(filters) {
    return (await this.request('/v1/audit/records.csv', filters, 'text/csv')).blob();
  }

  record(seq) {
    return this.json(`/v1/audit/records/${encodeURIComponent(seq)}`);
  }

  verify() {
    return this.json('/v1/audit/verify');
  }

  /** Signed checkpoints, largest first, a page at a time (`before`: the previous nextCursor). */
  checkpoints(before, limit = 50) {
    return this.json('/v1/audit/checkpoints', { before, limit });
  }

  proof(seq) {
    return this.json(`/v1/audit/proof/${encodeURIComponent(seq)}`);
  }

  metrics(params) {
    return this.json('/v1/audit/metrics', params);
  }

  refusals(params) {
    return this.json('/v1/audit/refusals', params);
  }

  /** A page of the agency's cases and invitations (liaison officers): {cases, total, nextCursor}. */
  cases(params) {
    return this.json('/v1/cases', params);
  }

  caseDetail(caseRef) {
    return this.json(`/v1/cases/${encodeURIComponent(caseRef)}`);
  }

  /** The agency's link notices and their graph (liaison officers). */
  linkNotices(params) {
    return this.json('/v1/links/notices', params);
  }

  /** Links between agencies, counted, small counts suppressed (oversight). */
  linkOverview(params) {
    return this.json('/v1/links/overview', params);
  }
}
