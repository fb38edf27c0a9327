/**
 * libs/local-files: files on the machine where a program runs — an agency's,
 * an officer's and the hub's key files, and every input file or stdin a
 * program reads, with limits and strict JSON. No Nest, no database, no Kafka:
 * the CLI loads it without the apps' wiring.
 */
export * from './agency-key-files';
export * from './hub-key-files';
export * from './input-file';
