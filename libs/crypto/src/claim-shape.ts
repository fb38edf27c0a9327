/**
 * What a verifier expects the claims of an SD-JWT to look like, so that the
 * originator's signature can never undo the hub's redaction:
 * - a field the schema marks disclosable must arrive as a disclosure (or null);
 *   signed in clear, the hub could not withhold it (`sdjwt.disclosable-in-clear`);
 * - a disclosure must sit at a disclosable path (`sdjwt.not-disclosable`), so
 *   always-visible fields (handling, ids) stay visible to every recipient;
 * - every name, plain or disclosed, must be a field of the schema
 *   (`sdjwt.unknown-claim`); the JWT claims around the message (jti, iss, ...)
 *   are allowed at the root, in clear only.
 * Independently of any shape, `__proto__`, `constructor` and `prototype` are
 * never accepted as a name anywhere in the claims (`sdjwt.forbidden-claim-name`).
 * libs/contracts builds the shape of each message kind from its schema marks
 * (`messageClaimShape`); this module only states the contract.
 */

/** Paths in the `[]` convention of disclosure-paths.ts (`subjects[].identity`). */
export interface ClaimShape {
  /** Root claims around the message (jti, iss, iat, ...), always in clear. */
  readonly envelopeClaims: ReadonlySet<string>;
  /** Every path of the message, disclosable or not. */
  readonly knownPaths: ReadonlySet<string>;
  /** The paths that must be disclosures. */
  readonly disclosablePaths: ReadonlySet<string>;
}

/** Names that reach an object's prototype machinery in JavaScript. */
export const FORBIDDEN_CLAIM_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);
