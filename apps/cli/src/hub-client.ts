/**
 * A small HTTP client for the hub API; every call carries a fresh token, and
 * every audit read an audit.read statement signed with the officer's own key
 * that binds the justification to that very request (method, path and query).
 * Answers are read with the strict JSON parser (null-prototype objects, no
 * duplicate member names): what comes over the network is untrusted JSON.
 */
import { parseStrictJson } from '@liaison/crypto';
import type { AgencyIdentity } from './agency-identity';

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

export class HubClient {
  constructor(
    readonly baseUrl: string,
    private readonly identity: AgencyIdentity | undefined,
  ) {}

  async request<T>(
    method: string,
    path: string,
    options: {
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
      justification?: string;
    } = {},
  ): Promise<T> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.identity) headers.authorization = `Bearer ${this.identity.token()}`;
    if (options.contentType) headers['content-type'] = options.contentType;
    if (options.justification !== undefined) {
      if (!this.identity) throw new Error("an audit read is an officer's act: give --officer");
      headers['x-justification'] = this.identity.auditJustification(
        method,
        url.pathname + url.search,
        options.justification,
      );
    }
    const res = await fetch(url, { method, headers, body: options.body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? parseStrictJson(text) : undefined;
    } catch (error) {
      // Not JSON at all (a CSV export, for instance) stays text; ambiguous JSON is refused.
      if ((error as { code?: unknown }).code !== 'json.malformed') throw error;
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new HubError(
        res.status,
        error?.code ?? `http.${res.status}`,
        error?.message ?? text.slice(0, 300),
      );
    }
    return parsed as T;
  }

  get<T>(path: string, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('GET', path, { headers });
  }

  /** An audit read: the justification travels as the officer's signed statement. */
  auditGet<T>(path: string, justification: string): Promise<T> {
    return this.request<T>('GET', path, { justification });
  }

  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, {
      body: JSON.stringify(body),
      contentType: 'application/json',
      headers,
    });
  }
}
