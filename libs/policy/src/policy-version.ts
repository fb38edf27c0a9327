/**
 * Policy versions are content hashes: SHA-256 over canonical JSON (keys sorted,
 * no whitespace, undefined members dropped). Hashing is pure computation.
 */
import { createHash } from 'node:crypto';
import type { Directory, PolicyDocument } from './policy-document';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function withoutVersion(document: PolicyDocument): Omit<PolicyDocument, 'version'> {
  return {
    jurisdiction: document.jurisdiction,
    outbound: document.outbound,
    links: document.links,
  };
}

/** `sha256:<hex>` of one document (its own `version` member excluded). */
export function policyDocumentVersion(document: PolicyDocument): string {
  return `sha256:${sha256Hex(canonicalJson(withoutVersion(document)))}`;
}

/**
 * `sha256:<hex>` of all documents (ordered by jurisdiction) and the directory
 * (agencies ordered by id), so input order does not change the version.
 */
export function policySetVersion(
  documents: readonly PolicyDocument[],
  directory: Directory,
): string {
  const docs = [...documents]
    .map(withoutVersion)
    .sort((a, b) =>
      a.jurisdiction < b.jurisdiction ? -1 : a.jurisdiction > b.jurisdiction ? 1 : 0,
    );
  const agencies = [...directory.agencies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `sha256:${sha256Hex(canonicalJson({ documents: docs, directory: { agencies, groups: directory.groups } }))}`;
}
