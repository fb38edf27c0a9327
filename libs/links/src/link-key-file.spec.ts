import { encodeBase64Url } from '@liaison/crypto';
import { isDomainError } from '@liaison/errors';
import {
  LINK_KEY_FILE_FORMAT,
  newLinkKeyFile,
  parseLinkKeyFile,
  rotateLinkKeyFile,
  serialiseLinkKeyFile,
  validateLinkKeyFile,
} from './index';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const DAY = 86_400_000;
const secret = (fill: number) => new Uint8Array(32).fill(fill);

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (isDomainError(error)) {
      expect(error.code).toBe('links.key-file-invalid');
      return (error.details?.problems as string[]) ?? [];
    }
    throw error;
  }
  throw new Error('expected a link key file error');
}

describe('link key file', () => {
  it('a new file has epoch 1, current and the only matching key', () => {
    const ring = parseLinkKeyFile(serialiseLinkKeyFile(newLinkKeyFile(secret(1), T0)), T0);
    expect(ring.current.epoch).toBe(1);
    expect(Buffer.from(ring.current.secret)).toEqual(Buffer.from(secret(1)));
    expect(ring.matching.map((k) => k.epoch)).toEqual([1]);
  });

  it('rotation writes with the new epoch and matches with the old one inside its window', () => {
    const first = newLinkKeyFile(secret(1), T0);
    const second = rotateLinkKeyFile(first, secret(2), T0 + DAY, 30);
    const text = serialiseLinkKeyFile(second);
    const during = parseLinkKeyFile(text, T0 + 10 * DAY);
    expect(during.current.epoch).toBe(2);
    expect(during.matching.map((k) => k.epoch)).toEqual([2, 1]);
    const after = parseLinkKeyFile(text, T0 + 31 * DAY + 1);
    expect(after.matching.map((k) => k.epoch)).toEqual([2]);
    const third = rotateLinkKeyFile(second, secret(3), T0 + 40 * DAY, 30);
    expect(third.keys.map((k) => k.epoch)).toEqual([3, 2]);
    expect(third.currentEpoch).toBe(3);
  });

  it('refuses a secret of the wrong length', () => {
    expect(() => newLinkKeyFile(new Uint8Array(16), T0)).toThrow(/32 random bytes/);
  });

  it('reports every problem at once, never quoting a secret', () => {
    const leaked = encodeBase64Url(new Uint8Array(31).fill(0xab));
    const text = JSON.stringify({
      format: 'other',
      currentEpoch: 2,
      keys: [
        { epoch: 1, secret: leaked, createdAt: 'yesterday' },
        { epoch: 1, secret: leaked, createdAt: '2026-12-01T00:00:00Z', extra: true },
      ],
      note: 'x',
    });
    const problems = problemsOf(() => parseLinkKeyFile(text, T0));
    expect(problems).toEqual([
      `format: must be ${LINK_KEY_FILE_FORMAT}`,
      'keys[0].secret: must be base64url of 32 bytes',
      'keys[0].createdAt: must be an ISO-8601 UTC instant',
      'keys[1].extra: unknown',
      'keys[1].secret: must be base64url of 32 bytes',
      'keys: epochs must be distinct',
      'currentEpoch: no key has this epoch',
      'note: unknown',
    ]);
    expect(JSON.stringify(problems)).not.toContain(leaked);
  });

  it('refuses a retired current key and a current epoch older than another', () => {
    const file = rotateLinkKeyFile(newLinkKeyFile(secret(1), T0), secret(2), T0, 30);
    expect(problemsOf(() => validateLinkKeyFile({ ...file, currentEpoch: 1 }))).toEqual([
      'currentEpoch: the current key cannot be retired',
      'currentEpoch: must be the newest epoch',
    ]);
  });

  it('refuses text that is not strict JSON without echoing it', () => {
    const good = serialiseLinkKeyFile(newLinkKeyFile(secret(5), T0));
    const duplicated = good.replace('"currentEpoch": 1', '"currentEpoch": 1, "currentEpoch": 1');
    expect(problemsOf(() => parseLinkKeyFile(duplicated, T0))).toEqual(['not strict JSON']);
    expect(problemsOf(() => parseLinkKeyFile('{"secret": "abc', T0))).toEqual(['not strict JSON']);
    expect(problemsOf(() => parseLinkKeyFile('[]', T0))).toEqual(['must be a JSON object']);
  });
});
