/**
 * libs/crypto: SD-JWT issue/verify/present, key directory, tokens, batched
 * receipts on an RFC 6962 Merkle tree, checkpoints and JWE. Pure: no I/O;
 * keys, clocks and replay stores come in as arguments.
 */
export * from './agency-token';
export * from './base64url';
export * from './canonical-json';
export * from './checkpoint';
export * from './claim-shape';
export * from './compact-jws';
export * from './crypto-error';
export * from './disclosure-paths';
export * from './jwe';
export * from './jwk';
export * from './key-directory';
export * from './merkle';
export * from './officer-directory';
export * from './officer-statement';
export * from './presentation';
export * from './receipt-batch';
export * from './replay';
export * from './sd-jwt-issuer';
export * from './sd-jwt-verifier';
export * from './strict-json';
export * from './time-claims';
export * from './verification-key';
export * from './unverified-token';
