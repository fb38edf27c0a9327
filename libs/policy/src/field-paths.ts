/**
 * Field paths as the message schema names them: dot-separated from the root, `[]`
 * after an array field meaning each element (`subjects[].identity.fullName`).
 */

/** Root of a subject's identity: releasing or withholding identity is about this subtree. */
export const SUBJECT_IDENTITY_PATH = 'subjects[].identity';
export const SUBJECTS_PATH = 'subjects[]';

/**
 * The path itself, then each ancestor, nearest first. An array segment also yields
 * its bare field name: `subjects[].identity` → [`subjects[].identity`, `subjects[]`, `subjects`].
 */
export function pathAndAncestors(path: string): readonly string[] {
  const cached = ancestorCache.get(path);
  if (cached !== undefined) return cached;
  const computed = Object.freeze(computeAncestors(path));
  if (ancestorCache.size < MAX_CACHED_PATHS) ancestorCache.set(path, computed);
  return computed;
}

/** Schema paths are few and reused by every message: memoise their ancestor lists. */
const ancestorCache = new Map<string, readonly string[]>();
const MAX_CACHED_PATHS = 4096;

function computeAncestors(path: string): string[] {
  const out: string[] = [path];
  let current = path;
  for (;;) {
    if (current.endsWith('[]')) {
      current = current.slice(0, -2);
      out.push(current);
      continue;
    }
    const dot = current.lastIndexOf('.');
    if (dot < 0) return out;
    current = current.slice(0, dot);
    out.push(current);
  }
}

/** True when `ancestor` is `path` or one of its ancestors. */
export function isSameOrAncestor(ancestor: string, path: string): boolean {
  return pathAndAncestors(path).includes(ancestor);
}
