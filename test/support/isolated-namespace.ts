/**
 * Import FIRST in a test file that needs its own Kafka namespace: every topic and
 * consumer group of the libs and of the apps it starts gets this prefix, so the
 * file's records never mix with other test files running on the same broker.
 */
import { randomBytes } from 'node:crypto';

export const NAMESPACE = `t${randomBytes(4).toString('hex')}`;
process.env.KAFKA_NAMESPACE = NAMESPACE;
