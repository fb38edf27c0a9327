/**
 * Import FIRST in a test file that runs hub apps: it gets its own Kafka namespace
 * (every topic and consumer group prefixed) and its own PostgreSQL database
 * (created and seeded by `seedNamespace()`), so test files running in parallel on
 * the same broker and server never see each other's records, ledger or locks.
 */
import { randomBytes } from 'node:crypto';

export const NAMESPACE = `t${randomBytes(4).toString('hex')}`;
process.env.KAFKA_NAMESPACE = NAMESPACE;

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/liaison');
export const ADMIN_DATABASE_URL = new URL(base);
ADMIN_DATABASE_URL.pathname = '/postgres';
const own = new URL(base);
own.pathname = `/liaison_${NAMESPACE}`;
export const DATABASE_URL = own.toString();
process.env.DATABASE_URL = DATABASE_URL;
