export * from './data-source.factory';
export * from './entities';
export * from './le-log.repository';
export * from './refusal-log';
export * from './replay-store';
export * from './link-index.repository';
export * from './onward-sharing.repository';
export * from './ledger-check';
