/**
 * Policy versions are content hashes: `sha256:` + SHA-256 of the RFC 8785 (JCS)
 * canonical JSON of a policy document (its own `version` member left out). One
 * identity for one document wherever it appears: a draft, the approved version
 * in /v1/policies, a dry-run, every decision and ledger row made under it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@liaison/crypto';
import type { Directory, PolicyDocument } from './policy-document';

/** The version of decisions for a jurisdiction without a policy document (all default-deny). */
export const NO_POLICY_VERSION = 'none';

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
 * `sha256:<hex>` of the whole world: all documents (ordered by jurisdiction) and
 * the directory (agencies ordered by id), so input order does not change it.
 * It tells apps that their compiled world changed; decisions name the document.
 */
export function policyWorldVersion(
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
