/**
 * Poison submissions for hub.submissions.v1, each with the dead-letter reason code
 * the policy worker must give it: broken Avro, unknown fingerprints, envelopes that
 * lie about the originator or id, bad/forged signatures, tampered disclosures,
 * expired and oversized tokens, and replayed message ids.
 */
import { CodecErrorCode, type Submission } from '@liaison/contracts';
import { signedMessage, submissionCodec, submissionOf, type SignedMessage } from './chaos-support';

export interface Poison {
  readonly label: string;
  readonly key: string;
  readonly value: Buffer | null;
  readonly expected: string;
}

function b64json(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function codecCodeOf(bytes: Buffer): string {
  try {
    submissionCodec.decode(bytes);
    return 'decoded';
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown';
  }
}

/** Twenty-odd poison records, each with the DLQ reason code the worker must give it. */
export async function poisonCorpus(): Promise<{
  poison: Poison[];
  replayOriginals: SignedMessage[];
}> {
  const poison: Poison[] = [];
  const add = (label: string, value: Buffer | null, expected: string, key = label): void => {
    poison.push({
      label,
      key: `poison-${key}-${Math.random().toString(36).slice(2)}`,
      value,
      expected,
    });
  };
  const fresh = (): Promise<SignedMessage> => signedMessage('alert-suspect-movement.json');
  const enc = (s: Submission): Buffer => submissionCodec.encode(s);

  // Avro level
  add('json-not-avro', Buffer.from('{"messageId":"x"}'), CodecErrorCode.badMagic);
  const good = enc(submissionOf(await fresh()));
  const unknownFp = Buffer.from(good);
  unknownFp.writeBigUInt64LE(0x0123456789abcdefn, 2);
  add('unknown-fingerprint', unknownFp, CodecErrorCode.unknownFingerprint);
  const truncated = good.subarray(0, good.length - 37);
  add('truncated', truncated, codecCodeOf(truncated));
  const trailing = Buffer.concat([enc(submissionOf(await fresh())), Buffer.from([1, 2, 3])]);
  add('trailing-bytes', trailing, CodecErrorCode.trailingBytes);
  const absurd = Buffer.concat([good.subarray(0, 10), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f])]);
  add('absurd-length', absurd, codecCodeOf(absurd));
  add('header-only', good.subarray(0, 10), codecCodeOf(good.subarray(0, 10)));
  add('tombstone', null, 'submission.empty');

  // Envelope level
  add(
    'unknown-agency',
    enc(submissionOf(await fresh(), { originatorAgency: 'xx-nowhere' })),
    'submission.unknown-agency',
  );
  add(
    'originator-claims-other-agency',
    enc(submissionOf(await fresh(), { originatorAgency: 'nl-knp' })),
    'submission.originator-mismatch',
  );
  add(
    'envelope-id-mismatch',
    enc(submissionOf(await fresh(), { messageId: '00000000-0000-4000-8000-000000000001' })),
    'submission.id-mismatch',
  );
  add(
    'wrong-kind',
    enc(submissionOf(await fresh(), { kind: 'CASE_NOTICE' })),
    'submission.wrong-kind',
  );

  // Signature level
  {
    const m = await fresh();
    const [jwt = '', ...rest] = m.sdJwt.split('~');
    const [h, p, sig = ''] = jwt.split('.');
    const mid = Math.floor(sig.length / 2);
    const flipped = sig.slice(0, mid) + (sig[mid] === 'A' ? 'B' : 'A') + sig.slice(mid + 1);
    add(
      'bad-signature',
      enc(submissionOf({ ...m, sdJwt: [`${h}.${p}.${flipped}`, ...rest].join('~') })),
      'sdjwt.bad-signature',
    );
  }
  {
    const m = await fresh();
    const [jwt = '', ...rest] = m.sdJwt.split('~');
    const [h = '', p, sig] = jwt.split('.');
    const header = { ...b64json(h), kid: 'no-such-key' };
    add(
      'unknown-kid',
      enc(submissionOf({ ...m, sdJwt: [`${encodeJson(header)}.${p}.${sig}`, ...rest].join('~') })),
      'sdjwt.unknown-kid',
    );
  }
  {
    const m = await fresh();
    const [jwt = '', ...rest] = m.sdJwt.split('~');
    const [h = '', p] = jwt.split('.');
    const header = { ...b64json(h), alg: 'none' };
    add(
      'alg-none',
      enc(submissionOf({ ...m, sdJwt: [`${encodeJson(header)}.${p}.`, ...rest].join('~') })),
      'sdjwt.alg-none',
    );
  }
  {
    const m = await fresh();
    const parts = m.sdJwt.split('~');
    // Tamper with the first disclosure's value: its digest no longer matches anything.
    const index = 1;
    const disclosure = JSON.parse(
      Buffer.from(parts[index] ?? '', 'base64url').toString('utf8'),
    ) as unknown[];
    disclosure[disclosure.length - 1] = 'Tampered Value';
    parts[index] = encodeJson(disclosure);
    add(
      'tampered-disclosure',
      enc(submissionOf({ ...m, sdJwt: parts.join('~') })),
      'sdjwt.disclosure-digest-mismatch',
    );
  }
  {
    const m = await fresh();
    const parts = m.sdJwt.split('~');
    parts.splice(2, 0, parts[1] ?? '');
    add(
      'duplicated-disclosure',
      enc(submissionOf({ ...m, sdJwt: parts.join('~') })),
      'sdjwt.duplicate-disclosure',
    );
  }
  add(
    'not-a-jwt',
    enc(submissionOf({ ...(await fresh()), sdJwt: 'hello~world~' })),
    'sdjwt.malformed',
  );
  add(
    'expired-at-receipt',
    enc(
      submissionOf(await fresh(), {
        receivedAt: new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString(),
      }),
    ),
    'sdjwt.expired',
  );
  add(
    'oversized-token',
    enc(submissionOf({ ...(await fresh()), sdJwt: `${'a'.repeat(300 * 1024)}~` })),
    'sdjwt.too-large',
  );

  // Replays: the same signed message again, later, at another offset (same key → same partition).
  const replayOriginals = [await fresh(), await fresh()];
  for (const [i, m] of replayOriginals.entries()) {
    poison.push({
      label: `replayed-message-id-${i}`,
      key: m.messageId,
      value: enc(submissionOf(m)),
      expected: 'submission.replayed',
    });
  }
  return { poison, replayOriginals };
}
