/**
 * `liaison publish <file|folder|->`: one JSON message, a folder of them, or NDJSON
 * (one message per line). Each is signed as the agency and sent; a summary counts
 * accepted and refused ones, and the exit code is 1 if any was refused.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { AgencyIdentity } from '../agency-identity';
import { HubError, type HubClient } from '../hub-client';
import { publishPath, signMessage, kindOfJson } from '../message-signing';
import { print, progress, type OutputOptions } from '../output';

export interface PublishOptions extends OutputOptions {
  readonly custodial?: boolean;
  readonly idempotencyKey?: string;
}

export interface PublishResult {
  readonly source: string;
  readonly messageId?: string;
  readonly status: 'accepted' | 'refused';
  readonly error?: string;
}

/** Refuses anything that is not a plain file or folder name (no traversal tricks, no devices). */
export function readMessages(
  input: string,
  stdin: () => string,
): { source: string; json: Record<string, unknown> }[] {
  const parse = (
    text: string,
    source: string,
  ): { source: string; json: Record<string, unknown> }[] => {
    const trimmed = text.trim();
    if (trimmed.startsWith('{') && !trimmed.includes('\n{'))
      return [{ source, json: JSON.parse(trimmed) as Record<string, unknown> }];
    return trimmed
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((line, i) => ({
        source: `${source}:${i + 1}`,
        json: JSON.parse(line) as Record<string, unknown>,
      }));
  };
  if (input === '-') return parse(stdin(), 'stdin');
  if (input.includes('\0')) throw new Error('file name contains a NUL byte');
  const resolved = path.resolve(input);
  const stat = statSync(resolved);
  if (stat.isDirectory()) {
    return readdirSync(resolved)
      .filter((f) => f.endsWith('.json') || f.endsWith('.ndjson'))
      .sort()
      .flatMap((f) => parse(readFileSync(path.join(resolved, f), 'utf8'), f));
  }
  if (!stat.isFile()) throw new Error(`${input} is not a regular file`);
  if (stat.size > 64 * 1024 * 1024) throw new Error(`${input} is larger than 64 MiB`);
  return parse(readFileSync(resolved, 'utf8'), path.basename(resolved));
}

export async function publishOne(
  client: HubClient,
  identity: AgencyIdentity,
  json: Record<string, unknown>,
  options: PublishOptions,
): Promise<{ messageId: string; status: string; statusUrl: string }> {
  const headers = options.idempotencyKey
    ? { 'idempotency-key': options.idempotencyKey }
    : undefined;
  const { kind, sdJwt } = await signMessage(identity, json);
  return client.request('POST', publishPath(kind), {
    body: sdJwt,
    contentType: 'application/sd+jwt',
    headers,
  });
}

export async function publishCommand(
  client: HubClient,
  identity: AgencyIdentity,
  input: string,
  options: PublishOptions,
): Promise<number> {
  const messages = readMessages(input, () => readFileSync(0, 'utf8'));
  const results: PublishResult[] = [];
  for (const [i, m] of messages.entries()) {
    try {
      let accepted: { messageId: string };
      if (options.custodial) {
        accepted = await client.request('POST', publishPath(kindOfJson(m.json)), {
          body: JSON.stringify({ message: m.json }),
          contentType: 'application/json',
          headers: options.idempotencyKey
            ? { 'idempotency-key': options.idempotencyKey }
            : undefined,
        });
      } else {
        accepted = await publishOne(client, identity, m.json, options);
      }
      results.push({ source: m.source, messageId: accepted.messageId, status: 'accepted' });
    } catch (error) {
      results.push({
        source: m.source,
        status: 'refused',
        error: error instanceof HubError || error instanceof Error ? error.message : String(error),
      });
    }
    if (messages.length > 1) progress(i + 1, messages.length, 'published');
  }
  const refused = results.filter((r) => r.status === 'refused').length;
  const summary = { total: results.length, accepted: results.length - refused, refused, results };
  print(options, summary, () =>
    [
      ...results.map((r) =>
        r.status === 'accepted'
          ? `accepted ${r.messageId}  (${r.source})`
          : `REFUSED  ${r.source}: ${r.error}`,
      ),
      `${summary.accepted}/${summary.total} accepted`,
    ].join('\n'),
  );
  return refused > 0 ? 1 : 0;
}
