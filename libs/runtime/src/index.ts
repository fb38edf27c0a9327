export * from './dependency-checks';
export * from './domain-error.filter';
export * from './health.controller';
export * from './shutdown';
export * from './directory.repository';
export * from './hub-key-files';
export * from './message-analysis';
