/**
 * The local stack's default ports sit below Linux's ephemeral range, from which
 * the kernel picks the local port of every outgoing connection: a server whose
 * port a client connection happens to hold cannot start. The embedded
 * PostgreSQL's default is written twice (lib.sh for the scripts,
 * embedded-postgres.js for direct use) and must be the same.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const LOCAL = __dirname;
const ROOT = path.resolve(LOCAL, '../..');

/** The machine's ephemeral range, or Linux's default where /proc does not tell. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low as number, high as number];
  } catch {
    // not Linux: Linux's default range below
  }
  return [32768, 60999];
}

/** lib.sh's default for the embedded PostgreSQL's port (LIAISON_EMBEDDED_PG_PORT unset). */
function libShPgPort(): number {
  const env: NodeJS.ProcessEnv = { ...process.env, LIAISON_LOCAL_DIR: path.join(ROOT, '.local') };
  delete env.LIAISON_EMBEDDED_PG_PORT;
  const script = `source "${path.join(LOCAL, 'lib.sh')}" && printf %s "$embedded_pg_port"`;
  return Number(execFileSync('bash', ['-c', script], { env, encoding: 'utf8' }));
}

/** The first `pattern` group in a file of deploy/local, as a port number. */
function defaultIn(file: string, pattern: RegExp): number {
  const match = pattern.exec(readFileSync(path.join(LOCAL, file), 'utf8'));
  if (match === null) throw new Error(`no default port in ${file} matching ${pattern}`);
  return Number(match[1]);
}

describe('local stack ports', () => {
  const [low, high] = ephemeralRange();
  const outside = (port: number): boolean => port < low || port > high;

  it('gives the embedded PostgreSQL one default, outside the ephemeral range', () => {
    const shell = libShPgPort();
    const node = defaultIn(
      'embedded-postgres.js',
      /process\.env\.LIAISON_EMBEDDED_PG_PORT \|\| '(\d+)'/,
    );
    expect(node).toBe(shell);
    expect(outside(shell)).toBe(true);
  });

  it('keeps the cluster tests and the single broker outside it too', () => {
    const ports = [
      defaultIn('test-cluster.sh', /LIAISON_CLUSTER_TEST_PG_PORT:-(\d+)/),
      defaultIn('kafka/kafka.sh', /KAFKA_PORT:-(\d+)/),
      defaultIn('kafka/kafka.sh', /KAFKA_CONTROLLER_PORT:-(\d+)/),
    ];
    expect(ports.filter((port) => !outside(port))).toEqual([]);
  });
});
