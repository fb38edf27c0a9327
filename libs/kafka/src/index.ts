export * from './codec';
export * from './kafka-client.factory';
export * from './topic-admin';
export * from './topics';
export * from './transactional-processor';
export * from './typed-consumer';
export * from './typed-producer';
export * from './stable-offset-fetch';
