/**
 * Runs once before the integration, e2e, hostile, chaos and browser projects:
 * makes sure the real Kafka broker and PostgreSQL are up (starting them through
 * the same scripts a user runs) and that migrations are applied.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

export default function globalSetup(): void {
  if (process.env.LIAISON_STACK_READY === '1') return;
  const env = execFileSync('bash', [path.join(root, 'deploy/local/stack.sh'), 'up'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of env.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) process.env[match[1]] = match[2];
  }
  // Migrations and the demo world (agencies, keys, policies, topics): idempotent.
  execFileSync(
    'node',
    ['-r', './deploy/runtime/register.js', 'dist/apps/migrate/src/main.js', '--seed'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  process.env.LIAISON_STACK_READY = '1';
}
