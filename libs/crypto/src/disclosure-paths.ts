/**
 * The path convention for disclosable fields, and its translation into the
 * disclosure frame @sd-jwt/core expects.
 *
 *   narrative                    a root field
 *   subjects[]                   each element of the `subjects` array
 *   subjects[].identity          the `identity` field of each element
 *   subjects[].identity.fullName nested deeper
 *
 * Concrete paths name one occurrence: `subjects[2].identity.fullName`; the
 * index is the element's position in the issued array, so it is the same for
 * every recipient whatever else they were shown.
 */
import { cryptoError } from './crypto-error';

/** Claims that every recipient must see: routing, validity and handling marks. */
export const ALWAYS_VISIBLE_CLAIMS: readonly string[] = [
  'jti',
  'iss',
  'iat',
  'exp',
  'nbf',
  'liaison_type',
  'liaison_kind',
  'handling',
];

const RESERVED_NAMES = new Set(['_sd', '_sd_alg', '...', 'cnf']);
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

interface PathSegment {
  readonly name: string;
  readonly eachElement: boolean;
}

export function parseDisclosablePath(path: string): readonly PathSegment[] {
  const bad = (reason: string): Error =>
    cryptoError('sdjwt.bad-path', `disclosable path "${path}": ${reason}`, 'invalid-input', {
      path,
    });
  if (typeof path !== 'string' || path.length === 0) throw bad('empty');
  return path.split('.').map((part) => {
    const eachElement = part.endsWith('[]');
    const name = eachElement ? part.slice(0, -2) : part;
    if (!FIELD_NAME.test(name)) throw bad(`"${part}" is not a field name`);
    if (RESERVED_NAMES.has(name)) throw bad(`"${name}" is reserved`);
    return { name, eachElement };
  });
}

/** A mutable disclosure frame node, in @sd-jwt/core's shape. */
export interface FrameNode {
  /** Field names in an object frame; element positions (numbers) in an array frame. */
  _sd?: (string | number)[];
  [child: string]: FrameNode | (string | number)[] | undefined;
}

function childFrame(node: FrameNode, key: string): FrameNode {
  const existing = node[key];
  if (existing !== undefined && !Array.isArray(existing)) return existing;
  const created: FrameNode = {};
  node[key] = created;
  return created;
}

function markDisclosable(node: FrameNode, key: string | number): void {
  const sd = (node._sd ??= []);
  if (!sd.includes(key)) sd.push(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addPath(
  frame: FrameNode,
  container: Record<string, unknown>,
  segments: readonly PathSegment[],
  path: string,
): void {
  const [segment, ...rest] = segments;
  if (segment === undefined) return;
  const value = container[segment.name];
  if (value === undefined || value === null) return; // absent fields are simply not there
  if (!segment.eachElement) {
    if (rest.length === 0) {
      markDisclosable(frame, segment.name);
      return;
    }
    if (!isPlainObject(value)) {
      throw cryptoError(
        'sdjwt.bad-path',
        `"${path}": ${segment.name} is not an object`,
        'invalid-input',
      );
    }
    addPath(childFrame(frame, segment.name), value, rest, path);
    return;
  }
  if (!Array.isArray(value)) {
    throw cryptoError(
      'sdjwt.bad-path',
      `"${path}": ${segment.name} is not an array`,
      'invalid-input',
    );
  }
  const arrayFrame = childFrame(frame, segment.name);
  value.forEach((element: unknown, index) => {
    if (rest.length === 0) {
      markDisclosable(arrayFrame, index);
    } else if (isPlainObject(element)) {
      addPath(childFrame(arrayFrame, String(index)), element, rest, path);
    }
  });
}

/** Builds the @sd-jwt/core disclosure frame for `claims` from the path list. */
export function disclosureFrameFor(
  claims: Readonly<Record<string, unknown>>,
  disclosablePaths: readonly string[],
): FrameNode {
  const frame: FrameNode = {};
  for (const path of disclosablePaths) {
    const segments = parseDisclosablePath(path);
    const root = segments[0];
    if (root !== undefined && ALWAYS_VISIBLE_CLAIMS.includes(root.name)) {
      throw cryptoError(
        'sdjwt.path-not-disclosable',
        `"${root.name}" is always visible`,
        'invalid-input',
        {
          path,
        },
      );
    }
    addPath(frame, claims, segments, path);
  }
  return frame;
}
