/**
 * The console's client for the hub API. Login exchanges one freshly minted,
 * single-use officer token for a 30-minute opaque console session token
 * (`lsess_...`), kept in sessionStorage only (gone when the tab closes). Every
 * audit read carries the officer's justification in `X-Justification`: the hub
 * logs it with the consultation.
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

/**
 * HTTP header values must be ISO-8859-1; fetch() refuses anything else. We say so
 * up front instead of failing on the first call.
 */
export function justificationProblem(text) {
  const value = text.trim();
  if (value.length < 5) return 'Please state why you need these records (at least 5 characters).';
  if (value.length > 300) return 'Please keep the justification under 300 characters.';
  // eslint-disable-next-line no-control-regex
  if (/[^\x20-\x7e\u00a0-\u00ff]/.test(value))
    return 'Please use Latin letters, digits and punctuation only (the justification travels in an HTTP header).';
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

  get justification() {
    return sessionStorage.getItem(JUSTIFICATION_KEY) ?? '';
  }

  set justification(text) {
    sessionStorage.setItem(JUSTIFICATION_KEY, text.trim());
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
    const headers = { authorization: `Bearer ${session.sessionToken}`, accept };
    if (this.justification) headers['x-justification'] = this.justification;
    return headers;
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

  agencies() {
    return this.json('/v1/directory/agencies');
  }

  records(filters, cursor, limit = 50) {
    return this.json('/v1/audit/records', { ...filters, cursor, limit });
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

  checkpoints() {
    return this.json('/v1/audit/checkpoints');
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
}
