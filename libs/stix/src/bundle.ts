/** A STIX 2.1 bundle of objects, each id once (the first occurrence kept). */
import { createHash } from 'node:crypto';
import { stixId } from './stix-id';
import type { StixBundle, StixObject } from './stix-object';

export function uniqueById(objects: readonly StixObject[]): StixObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => !seen.has(o.id) && seen.add(o.id) !== undefined);
}

/** The bundle's id is derived from its objects' ids: the same export, the same bundle. */
export function stixBundle(objects: readonly StixObject[]): StixBundle {
  const unique = uniqueById(objects);
  const digest = createHash('sha256')
    .update(unique.map((o) => o.id).join('\n'))
    .digest('hex');
  return { type: 'bundle', id: stixId('bundle', digest), objects: unique };
}
