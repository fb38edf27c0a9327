/**
 * The one parser for untrusted JSON (RFC 8259) in Liaison: JWS headers and
 * payloads, SD-JWT disclosures, tokens, deliveries read by the CLI.
 *
 * Differences from JSON.parse, each closing a way two readers could disagree:
 * - duplicate member names are refused (`json.duplicate-member`), compared after
 *   unescaping, so `{"iss":"a","\u0069ss":"b"}` is a duplicate too; JSON.parse
 *   silently keeps the last, another parser may keep the first;
 * - bytes must be valid UTF-8 (`json.bad-utf8`), so two different byte strings can
 *   never decode to the same name;
 * - every object is built with a null prototype: a member named `__proto__`
 *   is an ordinary own property and can never reach Object.prototype;
 * - nesting is capped (`json.too-deep`) instead of overflowing the stack.
 * Anything else that is not JSON is `json.malformed`.
 */
import { cryptoError } from './crypto-error';

export type JsonObject = Record<string, unknown>;

/** Nesting of arrays and objects allowed by default; Liaison messages use under 10. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(at: number, what: string): Error {
  return cryptoError('json.malformed', `not JSON at offset ${at}: ${what}`, 'invalid-input', {
    offset: at,
  });
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

class StrictJsonParser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parse(): unknown {
    const value = this.value(0);
    this.skipSpace();
    if (this.at !== this.text.length) throw malformed(this.at, 'trailing characters');
    return value;
  }

  private skipSpace(): void {
    const text = this.text;
    let at = this.at;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
      else break;
    }
    this.at = at;
  }

  private value(depth: number): unknown {
    this.skipSpace();
    const c = this.text.charCodeAt(this.at);
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) throw malformed(this.at, 'unexpected character');
    this.at += word.length;
    return value;
  }

  private number(): number {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0].length === 0 || match[0] === '-') {
      throw malformed(
        this.at,
        this.at >= this.text.length ? 'unexpected end' : 'unexpected character',
      );
    }
    this.at += match[0].length;
    return Number(match[0]);
  }

  private string(): string {
    const text = this.text;
    let at = this.at + 1;
    let out = '';
    let runStart = at;
    for (;;) {
      if (at >= text.length) throw malformed(at, 'unterminated string');
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) throw malformed(at, 'control character in string');
      if (c !== 0x5c) {
        at++;
        continue;
      }
      out += text.slice(runStart, at);
      const e = text[at + 1] ?? '';
      if (e === 'u') {
        const hex = text.slice(at + 2, at + 6);
        if (!HEX4.test(hex)) throw malformed(at, 'bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        at += 6;
      } else {
        const decoded = ESCAPES[e];
        if (decoded === undefined) throw malformed(at, 'bad escape');
        out += decoded;
        at += 2;
      }
      runStart = at;
    }
    out += text.slice(runStart, at);
    this.at = at + 1;
    return out;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) {
      throw cryptoError(
        'json.too-deep',
        `JSON nested deeper than ${this.maxDepth}`,
        'invalid-input',
        { maxDepth: this.maxDepth },
      );
    }
    this.at++;
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const out = Object.create(null) as JsonObject;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== 0x22) throw malformed(this.at, 'expected a name');
      const nameAt = this.at;
      const name = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== 0x3a) throw malformed(this.at, 'expected ":"');
      this.at++;
      const member = this.value(depth);
      if (out[name] !== undefined) {
        throw cryptoError(
          'json.duplicate-member',
          `member ${JSON.stringify(name.slice(0, 64))} appears twice in one object`,
          'invalid-input',
          { name: name.slice(0, 64), offset: nameAt },
        );
      }
      out[name] = member;
      this.skipSpace();
      const c = this.text.charCodeAt(this.at);
      this.at++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) throw malformed(this.at - 1, 'expected "," or "}"');
    }
  }

  private array(depth: number): unknown[] {
    this.enter(depth);
    const out: unknown[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.text.charCodeAt(this.at);
      this.at++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) throw malformed(this.at - 1, 'expected "," or "]"');
    }
  }
}

export interface StrictJsonOptions {
  /** Default DEFAULT_MAX_JSON_DEPTH. */
  readonly maxDepth?: number;
}

/**
 * Parses JSON text strictly (see the module header); objects have a null
 * prototype. Throws a DomainError `json.malformed`, `json.duplicate-member` or
 * `json.too-deep`.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  if (typeof text !== 'string') throw malformed(0, 'not text');
  return new StrictJsonParser(text, options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH).parse();
}

/** parseStrictJson over UTF-8 bytes; invalid UTF-8 (or a BOM) is refused. */
export function parseStrictJsonBytes(bytes: Uint8Array, options: StrictJsonOptions = {}): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw cryptoError('json.bad-utf8', 'JSON bytes are not valid UTF-8', 'invalid-input');
  }
  return parseStrictJson(text, options);
}

/** A JSON object (null prototype) or undefined when the value is not an object. */
export function asJsonObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** True when the error is the strict parser's duplicate-member refusal. */
export function isDuplicateMemberError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'json.duplicate-member';
}
