/**
 * @liaison/ledger: the share ledger's pure core, no I/O. The leaf canonical form
 * and hash, an incremental RFC 6962 Merkle accumulator, and the verification
 * report used by the audit service and the offline CLI verifier.
 */
export * from './leaf';
export * from './ledger-row-view';
export * from './ledger-row';
export * from './ledger-verification';
export * from './merkle-accumulator';
export * from './sd-jwt-claims';
export * from './statement-log';
