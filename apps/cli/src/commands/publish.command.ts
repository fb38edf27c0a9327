/**
 * `liaison publish <file|folder|->`: one JSON message, a folder of them, or NDJSON
 * (one message per line). Each is signed as the agency and sent; a summary counts
 * accepted and refused ones, and the exit code is 1 if any was refused.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { AgencyIdentity } from '../agency-identity';
import { HubError, type HubClient } from '../hub-client';
import {
  InputError,
  MAX_INPUT_BYTES,
  parseJsonInput,
  readInputFile,
  readInputText,
  readStdin,
} from '@liaison/local-files';
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

type ReadMessage = { source: string; json: Record<string, unknown> };

function messageOf(text: string, source: string): ReadMessage {
  const json = parseJsonInput(text, source);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InputError(`${source}: not a JSON object`);
  return { source, json: json as Record<string, unknown> };
}

/** One JSON message, or NDJSON (one message per line). */
function parseMessages(text: string, source: string): ReadMessage[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) return [messageOf(trimmed, source)];
  return trimmed
    .split('\n')
    .map((line, i) => ({ line, source: `${source}:${i + 1}` }))
    .filter(({ line }) => line.trim().length > 0)
    .map(({ line, source: at }) => messageOf(line, at));
}

/**
 * The messages of a file, of each .json/.ndjson file in a folder, or of stdin
 * (`-`). Every one is read through input-file.ts: regular files only (a
 * symlink to a device in a folder included), at most MAX_INPUT_BYTES each and
 * in all, no content in errors.
 */
export function readMessages(input: string, stdin: () => string): ReadMessage[] {
  if (input === '-') return parseMessages(stdin(), 'stdin');
  if (input.includes('\0')) throw new InputError('file name contains a NUL byte');
  const resolved = path.resolve(input);
  if (!statSync(resolved).isDirectory())
    return parseMessages(readInputText(input), path.basename(resolved));
  // Every file is read (and checked) before any is parsed.
  let budget = MAX_INPUT_BYTES;
  const files = readdirSync(resolved)
    .filter((f) => f.endsWith('.json') || f.endsWith('.ndjson'))
    .sort()
    .map((f) => {
      const bytes = readInputFile(path.join(resolved, f), { maxBytes: budget });
      budget -= bytes.length;
      return { f, text: bytes.toString('utf8') };
    });
  return files.flatMap(({ f, text }) => parseMessages(text, f));
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
  const messages = readMessages(input, () => readStdin().toString('utf8'));
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
