export * from './consumer-group-lag';
export * from './kafka-client.factory';
export * from './topic-admin';
export * from './topics';
export * from './transactional-processor';
export * from './typed-consumer';
export * from './typed-producer';
export * from './stable-offset-fetch';
// The client's types, so that nothing outside this lib imports kafkajs (ADR 0007).
export type { Admin, Kafka, Producer } from 'kafkajs';
