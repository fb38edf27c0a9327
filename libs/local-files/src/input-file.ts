/**
 * Every file and stdin the CLI reads goes through here: messages to publish
 * (one file, each file of a folder, or stdin), agency registrations, policy
 * drafts, JWKS, deliveries to verify, saved checkpoints and audit exports,
 * and the key files (agencies', officers', the hub's).
 * Only regular files are read (a device, FIFO or socket is refused before a
 * byte is read, a symlink to /dev/zero included), never more than a cap, stdin
 * included; a JSON error names the source and position, never the content.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { parseStrictJson } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';

/** Largest input read by default: a big NDJSON batch of messages. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface InputLimits {
  readonly maxBytes?: number;
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** A file name as given on the command line, refused if it could confuse the file system. */
function checkedName(file: string): string {
  if (file.length === 0) throw new InputError('empty file name');
  if (file.includes('\0')) throw new InputError('file name contains a NUL byte');
  return path.resolve(file);
}

/** Reads from an open descriptor until end of input, refusing more than `maxBytes`. */
function readBounded(fd: number, source: string, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      // A non-blocking stdin with nothing yet: wait a moment and try again.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) throw new InputError(`${source} is larger than ${sizeText(maxBytes)}`);
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

/**
 * A regular file's bytes. Opened non-blocking (a FIFO does not hang the
 * open) and checked on the descriptor (no swap between check and read).
 */
export function readInputFile(file: string, limits: InputLimits = {}): Buffer {
  const maxBytes = limits.maxBytes ?? MAX_INPUT_BYTES;
  const resolved = checkedName(file);
  const fd = openSync(resolved, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(`${file} is not a regular file`);
    if (stat.size > maxBytes) throw new InputError(`${file} is larger than ${sizeText(maxBytes)}`);
    return readBounded(fd, file, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** Standard input, at most `maxBytes` of it (a pipe from /dev/zero ends in an error). */
export function readStdin(limits: InputLimits = {}, fd = 0): Buffer {
  return readBounded(fd, 'stdin', limits.maxBytes ?? MAX_INPUT_BYTES);
}

/** `-` is stdin, anything else a regular file; as UTF-8 text. */
export function readInputText(source: string, limits: InputLimits = {}): string {
  return (source === '-' ? readStdin(limits) : readInputFile(source, limits)).toString('utf8');
}

/**
 * The strict parser (null-prototype objects, duplicate members refused) with a
 * message that says where, never what: the text around an error may be a
 * secret or someone else's data.
 */
export function parseJsonInput(text: string, source: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (error) {
    const code = error instanceof DomainError ? error.code : '';
    const offset = error instanceof DomainError ? error.details?.offset : undefined;
    const where =
      code === 'json.duplicate-member'
        ? ' (a member name appears twice)'
        : code === 'json.too-deep'
          ? ' (nested too deeply)'
          : typeof offset === 'number'
            ? offset >= text.length
              ? ' (ends too early)'
              : ` at position ${offset}`
            : '';
    throw new InputError(`${source}: not valid JSON${where}`);
  }
}

/** A JSON file (or `-`): read through readInputText, parsed without echo. */
export function readJsonInput(source: string, limits: InputLimits = {}): unknown {
  return parseJsonInput(readInputText(source, limits), source === '-' ? 'stdin' : source);
}
