import * as fc from 'fast-check';
import { DomainError } from '@liaison/errors';
import { codecFor, projectionFor, singleObjectHeader } from './codec';
import { CodecErrorCode } from './errors';
import type { Checkpoint, DeadLetter, Delivery, Submission } from './generated/types';
import { parseMessage } from './json-form';
import { schemaVersions } from './registry';
import { avroLong, avroString, loadExamples } from './testing/examples';
import { SAMPLE_DELIVERY } from './testing/deliveries';
import { errorOf } from './testing/domain-error';

const examples = loadExamples();

const submission: Submission = {
  messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
  kind: 'ALERT',
  originatorAgency: 'nl-knp',
  sdJwt: 'eyJhbGciOiJFUzI1NiJ9.eyJfc2QiOltdfQ.c2ln~WyJzYWx0IiwibmFycmF0aXZlIiwieCJd~',
  custodial: false,
  receivedAt: '2025-03-14T06:40:01.250Z',
  idempotencyKey: null,
  caseRef: 'NL-2025-0142',
  correlationId: 'req-7f3a',
  releaseOf: null,
};
const checkpoint: Checkpoint = {
  treeSize: 1024,
  rootHash: 'ab'.repeat(32),
  jws: 'h.p.s',
  issuedAt: '2025-03-14T07:00:00.000Z',
};

const current = (name: 'Submission' | 'Checkpoint' | 'DeadLetter'): Buffer =>
  singleObjectHeader(schemaVersions(name)[0]!.fingerprint);

/** Submission body fields in order, so single fields can be corrupted precisely. */
function submissionBody(over: Partial<Record<string, Buffer>> = {}): Buffer {
  const parts: Record<string, Buffer> = {
    messageId: avroString(submission.messageId),
    kind: avroLong(0),
    originatorAgency: avroString('nl-knp'),
    sdJwt: avroString('a.b.c~'),
    custodial: Buffer.from([0]),
    receivedAt: avroLong(Date.parse(submission.receivedAt)),
    idempotencyKey: avroLong(0),
    caseRef: Buffer.concat([avroLong(1), avroString('NL-1')]),
    correlationId: avroString('c'),
    releaseOf: avroLong(0),
    ...over,
  };
  return Buffer.concat([current('Submission'), ...Object.values(parts)]);
}

describe('single-object codec', () => {
  it.each(examples.map((e) => [e.file, e] as const))('%s round-trips', (_f, e) => {
    const message = parseMessage(e.kind, e.json);
    const codec = codecFor(e.kind === 'ALERT' ? 'Alert' : 'CaseNotice');
    const bytes = codec.encode(message);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    expect(codec.decode(bytes)).toEqual(message);
  });

  it('round-trips envelopes, bytes and longs included', () => {
    expect(codecFor('Submission').decode(codecFor('Submission').encode(submission))).toEqual(
      submission,
    );
    expect(codecFor('Checkpoint').decode(codecFor('Checkpoint').encode(checkpoint))).toEqual(
      checkpoint,
    );
    const dead: DeadLetter = {
      sourceTopic: 'hub.submissions.v1',
      sourcePartition: 3,
      sourceOffset: '9007199254740993',
      key: null,
      messageId: null,
      reasonCode: 'codec.bad-magic',
      reason: 'not Avro',
      payload: Buffer.from([1, 2, 3]),
      failedAt: '2025-03-14T07:00:00.000Z',
    };
    expect(codecFor('DeadLetter').decode(codecFor('DeadLetter').encode(dead))).toEqual(dead);
  });

  it('refuses to encode invalid values, naming the path', () => {
    const bad = { ...submission, kind: 'MEMO' } as unknown as Submission;
    expect(errorOf(() => codecFor('Submission').encode(bad))).toMatchObject({
      code: 'codec.invalid-value',
    });
    try {
      codecFor('Submission').encode({ ...submission, receivedAt: 'yesterday' });
    } catch (error) {
      expect((error as DomainError).details?.['errors']).toEqual([
        expect.stringContaining('receivedAt'),
      ]);
    }
  });

  it('keeps every encoded record intact while later ones share its slab', () => {
    const codec = codecFor('Submission');
    // Sizes from a few bytes to past the point where a record gets its own buffer,
    // enough records to fill several slabs.
    const values = Array.from({ length: 600 }, (_, i) => ({
      ...submission,
      sdJwt: `${i}~`.padEnd((i * 97) % 40_000, 'x'),
      correlationId: `c-${i}`,
    }));
    const encoded = values.map((v) => codec.encode(v));
    const copies = encoded.map((b) => Buffer.from(b));
    encoded.forEach((b, i) => {
      expect(b.equals(copies[i]!)).toBe(true);
      expect(codec.decode(b)).toEqual(values[i]);
    });
  });

  it('encodes a record larger than its scratch buffer, header and all', () => {
    const codec = codecFor('Submission');
    const large = { ...submission, sdJwt: `large~`.padEnd(200_000, 'y') };
    const encoded = codec.encode(large);
    expect(encoded.length).toBeGreaterThan(200_000);
    expect(codec.decode(encoded)).toEqual(large);
    // and the next, small, record after the scratch grew
    expect(codec.decode(codec.encode(submission))).toEqual(submission);
  });

  it('refuses to encode beyond the size cap', () => {
    const big = { ...submission, sdJwt: 'x'.repeat(5000) };
    expect(errorOf(() => codecFor('Submission', { maxBytes: 4096 }).encode(big))).toMatchObject({
      code: 'codec.too-large',
      category: 'too-large',
    });
  });

  const valid = codecFor('Checkpoint').encode(checkpoint);
  const cases: Array<[string, () => Buffer, string]> = [
    ['empty buffer', () => Buffer.alloc(0), CodecErrorCode.truncated],
    ['only the first magic byte', () => Buffer.from([0xc3]), CodecErrorCode.truncated],
    ['JSON instead of Avro', () => Buffer.from('{"treeSize":1}'), CodecErrorCode.badMagic],
    [
      'wrong second magic byte',
      () => Buffer.from([0xc3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 0]),
      CodecErrorCode.badMagic,
    ],
    ['header cut inside the fingerprint', () => valid.subarray(0, 6), CodecErrorCode.truncated],
    [
      'unknown fingerprint',
      () => Buffer.concat([Buffer.from([0xc3, 1, 1, 2, 3, 4, 5, 6, 7, 8]), valid.subarray(10)]),
      CodecErrorCode.unknownFingerprint,
    ],
    [
      "another schema's fingerprint",
      () => Buffer.concat([current('Submission'), valid.subarray(10)]),
      CodecErrorCode.unknownFingerprint,
    ],
    ['body cut short', () => valid.subarray(0, valid.length - 1), CodecErrorCode.truncated],
    [
      'trailing bytes',
      () => Buffer.concat([valid, Buffer.from([0])]),
      CodecErrorCode.trailingBytes,
    ],
    [
      'varint of 11 bytes',
      () => Buffer.concat([current('Checkpoint'), Buffer.alloc(11, 0xff)]),
      CodecErrorCode.badVarint,
    ],
    [
      'varint beyond 2^53',
      () => Buffer.concat([current('Checkpoint'), avroLong(2n ** 60n), Buffer.alloc(80)]),
      CodecErrorCode.outOfRange,
    ],
    [
      'string length of 2^40',
      () =>
        Buffer.concat([current('Checkpoint'), avroLong(1), avroLong(2 ** 40), Buffer.alloc(16)]),
      CodecErrorCode.absurdLength,
    ],
    [
      'negative string length',
      () => Buffer.concat([current('Checkpoint'), avroLong(1), avroLong(-5), Buffer.alloc(16)]),
      CodecErrorCode.absurdLength,
    ],
    [
      'string longer than what remains',
      () => Buffer.concat([current('Checkpoint'), avroLong(1), avroLong(20), Buffer.alloc(16)]),
      CodecErrorCode.truncated,
    ],
    ['enum index 9', () => submissionBody({ kind: avroLong(9) }), CodecErrorCode.badEnumIndex],
    [
      'negative enum index',
      () => submissionBody({ kind: avroLong(-1) }),
      CodecErrorCode.badEnumIndex,
    ],
    [
      'union index 2',
      () => submissionBody({ idempotencyKey: avroLong(2) }),
      CodecErrorCode.badUnionIndex,
    ],
    [
      'boolean byte 7',
      () => submissionBody({ custodial: Buffer.from([7]) }),
      CodecErrorCode.badBoolean,
    ],
    [
      'timestamp beyond 2^53 after zig-zag',
      () => submissionBody({ receivedAt: avroLong(2 ** 52) }),
      CodecErrorCode.outOfRange,
    ],
    [
      'submission cut inside its first string',
      () => submissionBody().subarray(0, 20),
      CodecErrorCode.truncated,
    ],
    [
      'messageId not a uuid',
      () => submissionBody({ messageId: avroString('x'.repeat(36)) }),
      CodecErrorCode.badLogicalValue,
    ],
    [
      'int partition of 2^40',
      () =>
        Buffer.concat([
          current('DeadLetter'),
          avroString('t'),
          avroLong(2 ** 40),
          Buffer.alloc(40),
        ]),
      CodecErrorCode.badVarint,
    ],
    [
      'int partition of 2^32',
      () =>
        Buffer.concat([
          current('DeadLetter'),
          avroString('t'),
          avroLong(2 ** 32),
          Buffer.alloc(40),
        ]),
      CodecErrorCode.outOfRange,
    ],
    [
      'string length just over the cap',
      () =>
        Buffer.concat([
          current('Checkpoint'),
          avroLong(1),
          avroLong(1024 * 1024 + 1),
          Buffer.alloc(16),
        ]),
      CodecErrorCode.absurdLength,
    ],
    [
      'record over the size cap',
      () => Buffer.concat([valid, Buffer.alloc(2 * 1024 * 1024)]),
      CodecErrorCode.tooLarge,
    ],
  ];

  it('has at least 15 hostile inputs', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  /** The schema a hostile case is written against. */
  const schemaOf = (caseName: string, code: string) =>
    code === CodecErrorCode.badEnumIndex ||
    code === CodecErrorCode.badUnionIndex ||
    code === CodecErrorCode.badBoolean ||
    caseName.startsWith('timestamp') ||
    caseName.startsWith('messageId') ||
    caseName.startsWith('submission')
      ? 'Submission'
      : caseName.startsWith('int partition')
        ? 'DeadLetter'
        : 'Checkpoint';

  it.each(cases)('%s -> typed error, fast, bounded memory', (_name, make, code) => {
    const name = schemaOf(_name, code);
    const input = make();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = process.hrtime.bigint();
    let caught: unknown;
    try {
      codecFor(name).decode(input);
    } catch (error) {
      caught = error;
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const heapDelta = process.memoryUsage().heapUsed - heapBefore;
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe(code);
    expect(elapsedMs).toBeLessThan(50);
    expect(heapDelta).toBeLessThan(8 * 1024 * 1024);
  });

  it.each(cases)('%s -> the same typed error from a decoder of one field', (_name, make, code) => {
    const name = schemaOf(_name, code);
    // The record is checked whole, whichever fields are built.
    const first =
      name === 'Submission' ? 'messageId' : name === 'DeadLetter' ? 'sourceTopic' : 'treeSize';
    const decoder = projectionFor(name, [first as never]);
    expect(errorOf(() => decoder.decode(make()))).toMatchObject({ code });
  });

  it('rejects an array block count of 2^50 in Decision without looping', () => {
    const decisionHeader = singleObjectHeader(schemaVersions('Decision')[0]!.fingerprint);
    const bytes = Buffer.concat([
      decisionHeader,
      avroString('5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01'),
      avroLong(0),
      avroString('VICTIM_AT_RISK'),
      avroString('nl-knp'),
      avroString('NL'),
      avroLong(0),
      avroString('v1'),
      avroLong(0),
      avroString('jwt'),
      avroLong(2 ** 50),
      Buffer.alloc(64),
    ]);
    codecFor('Decision'); // built (and its resolvers compiled) outside the timed part
    const started = Date.now();
    expect(errorOf(() => codecFor('Decision').decode(bytes))).toMatchObject({
      code: CodecErrorCode.absurdLength,
    });
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('never throws anything but a codec DomainError on random or mutated bytes', () => {
    const alert = codecFor('Alert').encode(parseMessage('ALERT', examples[0]!.json));
    const header = alert.subarray(0, 10);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (random, at, byte) => {
          const mutated = Buffer.from(alert);
          mutated[10 + (at % (alert.length - 10))] = byte;
          for (const input of [Buffer.concat([header, random]), mutated]) {
            try {
              codecFor('Alert').decode(input);
            } catch (error) {
              if (!(error instanceof DomainError) || !error.code.startsWith('codec.')) throw error;
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('decoder of some fields (projectionFor)', () => {
  // Most of a delivery's bytes are its presentation: the part a projection skips.
  const delivery: Delivery = {
    ...SAMPLE_DELIVERY,
    presentation: `eyJhbGciOiJFZERTQSJ9.${'x'.repeat(3000)}.c2ln~`,
  };
  const header = projectionFor('Delivery', ['messageId', 'recipientAgency']);

  it('builds only the fields asked for, equal to the full decode', () => {
    const bytes = codecFor('Delivery').encode(delivery);
    expect(header.decode(bytes)).toEqual({
      messageId: delivery.messageId,
      recipientAgency: delivery.recipientAgency,
    });
    expect(projectionFor('Delivery', ['messageId', 'recipientAgency'])).toBe(header);
    expect(() => projectionFor('Delivery', ['noSuchField' as never])).toThrow(/no field/);
  });

  it("on mutated records: the full decode's fields when it succeeds, a codec error otherwise", () => {
    const bytes = codecFor('Delivery').encode(delivery);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const mutated = Buffer.from(bytes);
        mutated[10 + (at % (bytes.length - 10))] = byte;
        let full: Delivery | undefined;
        try {
          full = codecFor('Delivery').decode(mutated);
        } catch {
          full = undefined;
        }
        let projected: unknown;
        try {
          projected = header.decode(mutated);
        } catch (error) {
          if (!(error instanceof DomainError) || !error.code.startsWith('codec.')) throw error;
          // Checked whole: what the full decode's structure check refuses, this refuses too.
          expect(full).toBeUndefined();
          return;
        }
        if (full !== undefined) {
          expect(projected).toEqual({
            messageId: full.messageId,
            recipientAgency: full.recipientAgency,
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});
