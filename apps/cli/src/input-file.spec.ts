/**
 * The CLI's one input reader, and the commands' use of it: only regular files
 * (a symlink to /dev/zero in a folder ran `liaison publish` to 1.4 GB and
 * never ended), a size cap on files and on stdin (`publish -` read without
 * one), and JSON errors that never echo the input (they quoted its first bytes).
 */
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { readMessages } from './commands/publish.command';
import { checkpointJwsOf, exportedRecords } from './commands/audit/ledger-offline';
import {
  MAX_INPUT_BYTES,
  parseJsonInput,
  readInputFile,
  readInputText,
  readJsonInput,
  readAgencyKeyFile,
  readStdin,
} from '@liaison/local-files';

const SECRET = 'SECRET-Maria-Example-2009';
/** What a JSON error may say: where, never what. */
const NO_ECHO =
  /^[^\n]*: not valid JSON( at position \d+| \(ends too early\)| \(a member name appears twice\)| \(nested too deeply\))?$/;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('CLI input', () => {
  let dir = '';
  const at = (name: string): string => path.join(dir, name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'liaison-input-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('files', () => {
    it('reads a regular file', () => {
      writeFileSync(at('m.json'), '{"a":1}');
      expect(readInputText(at('m.json'))).toBe('{"a":1}');
      expect(readJsonInput(at('m.json'))).toEqual({ a: 1 });
    });

    it.each([
      ['/dev/zero', (): string => '/dev/zero'],
      [
        'a symlink to /dev/zero',
        (): string => {
          symlinkSync('/dev/zero', at('zero.json'));
          return at('zero.json');
        },
      ],
      [
        'a FIFO (no writer: must not hang)',
        (): string => {
          execFileSync('mkfifo', [at('pipe.json')]);
          return at('pipe.json');
        },
      ],
      ['a folder', (): string => dir],
    ])('refuses %s as not a regular file', (_name, make) => {
      const file = make();
      expect(messageOf(() => readInputFile(file))).toBe(`${file} is not a regular file`);
    });

    it('refuses a file larger than the cap before reading it (sparse, 64 MiB + 1)', () => {
      writeFileSync(at('big.ndjson'), '');
      truncateSync(at('big.ndjson'), MAX_INPUT_BYTES + 1);
      expect(messageOf(() => readInputFile(at('big.ndjson')))).toBe(
        `${at('big.ndjson')} is larger than 64 MiB`,
      );
      writeFileSync(at('small.json'), '{"a":12345}');
      expect(messageOf(() => readInputFile(at('small.json'), { maxBytes: 4 }))).toMatch(
        /is larger than 4 bytes$/,
      );
    });

    it('refuses a NUL byte in a file name', () => {
      expect(messageOf(() => readInputFile('a.json\0../../etc/passwd'))).toBe(
        'file name contains a NUL byte',
      );
    });
  });

  describe('stdin', () => {
    it('stops reading an endless stdin at the cap (stdin from /dev/zero)', () => {
      const fd = openSync('/dev/zero', 'r');
      try {
        expect(messageOf(() => readStdin({ maxBytes: 1024 * 1024 }, fd))).toBe(
          'stdin is larger than 1 MiB',
        );
      } finally {
        closeSync(fd);
      }
    });

    it('reads a stdin within the cap', () => {
      writeFileSync(at('in.ndjson'), '{"a":1}\n{"a":2}\n');
      const fd = openSync(at('in.ndjson'), 'r');
      try {
        expect(readStdin({}, fd).toString('utf8')).toBe('{"a":1}\n{"a":2}\n');
      } finally {
        closeSync(fd);
      }
    });
  });

  describe('JSON errors say where, never what', () => {
    it.each([
      [`${SECRET} is not JSON`],
      [`{"fullName": "${SECRET}"`],
      [`{"fullName": "${SECRET}"}}`],
      [`{fullName: "${SECRET}"}`],
      [`["${SECRET}", ]`],
    ])('%s', (text) => {
      const message = messageOf(() => parseJsonInput(text, 'alert.json'));
      expect(message).toMatch(NO_ECHO);
      expect(message).not.toContain('SECRET');
    });

    it('property: any text that is not JSON gives a message of the fixed form', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 200 }), (text) => {
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          fc.pre(!valid);
          expect(messageOf(() => parseJsonInput(text, 'stdin'))).toMatch(NO_ECHO);
        }),
        { seed: 18, numRuns: 1000 },
      );
    });

    it('a member name given twice is refused, not silently the last one kept', () => {
      const message = messageOf(() => parseJsonInput(`{"tlp":"RED","tlp":"CLEAR"}`, 'alert.json'));
      expect(message).toBe('alert.json: not valid JSON (a member name appears twice)');
    });

    it('objects have no prototype a "__proto__" member could reach', () => {
      const value = parseJsonInput(
        '{"__proto__":{"polluted":true},"a":{}}',
        'alert.json',
      ) as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).toBeNull();
      expect(Object.getPrototypeOf(value.a)).toBeNull();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn(value, '__proto__')).toBe(true);
    });

    it('a broken key file is named, its private key never quoted', () => {
      writeFileSync(at('nl-knp.keys.json'), `{"signing": {"privateJwk": {"d": "${SECRET}"`);
      const message = messageOf(() => readAgencyKeyFile(dir, 'nl-knp'));
      expect(message).toMatch(NO_ECHO);
      expect(message).not.toContain('SECRET');
    });

    it('a JSON file, a checkpoint and an export are read without echo', () => {
      writeFileSync(at('jwks.json'), `{"keys": [${SECRET}]}`);
      expect(messageOf(() => readJsonInput(at('jwks.json')))).not.toContain('SECRET');
      expect(messageOf(() => checkpointJwsOf(`{"jws": ${SECRET}}`))).not.toContain('SECRET');
      expect(messageOf(() => exportedRecords(`[${SECRET}]`))).not.toContain('SECRET');
    });
  });

  describe('publish reads every input through it', () => {
    it('refuses a folder holding a symlink to /dev/zero, at once', () => {
      writeFileSync(at('a.json'), '{"messageType":"X"}');
      symlinkSync('/dev/zero', at('b.json'));
      expect(messageOf(() => readMessages(dir, () => ''))).toBe(
        `${at('b.json')} is not a regular file`,
      );
    });

    it('refuses a folder holding a FIFO without hanging', () => {
      execFileSync('mkfifo', [at('a.ndjson')]);
      expect(messageOf(() => readMessages(dir, () => ''))).toBe(
        `${at('a.ndjson')} is not a regular file`,
      );
    });

    it('caps a folder in total, not only per file', () => {
      for (const name of ['a.ndjson', 'b.ndjson']) {
        writeFileSync(at(name), '');
        truncateSync(at(name), MAX_INPUT_BYTES / 2 + 1);
      }
      expect(messageOf(() => readMessages(dir, () => ''))).toMatch(
        /b\.ndjson is larger than \d+ bytes$/,
      );
    });

    it('reads a folder of messages and NDJSON', () => {
      writeFileSync(at('a.json'), '{"n":1}');
      writeFileSync(at('b.ndjson'), '{"n":2}\n\n{"n":3}\n');
      writeFileSync(at('c.txt'), 'ignored');
      expect(readMessages(dir, () => '')).toEqual([
        { source: 'a.json', json: { n: 1 } },
        { source: 'b.ndjson:1', json: { n: 2 } },
        { source: 'b.ndjson:3', json: { n: 3 } },
      ]);
    });

    it('names the line of a bad NDJSON line on stdin, and not its content', () => {
      const message = messageOf(() =>
        readMessages('-', () => `{"n":1}\n{"fullName": "${SECRET}"\n`),
      );
      expect(message).toMatch(/^stdin:2: not valid JSON/);
      expect(message).not.toContain('SECRET');
    });

    it('refuses JSON that is not an object', () => {
      expect(messageOf(() => readMessages('-', () => '[1,2]'))).toBe('stdin:1: not a JSON object');
    });
  });
});
