/**
 * The image the Kubernetes manifests run, read from deploy/container/Dockerfile
 * as a builder would read it: every file a pod's command or the apps read at
 * run time is in the final stage, the user is the pods' non-root user, the tag
 * is the package's version, and keys or local state can never be copied in.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const KUBERNETES = path.join(ROOT, 'deploy/kubernetes');

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Dockerfile → stages of instructions (comments dropped, continuations joined). */
function stages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: Stage[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') {
      const as = /\bAS\s+(\S+)/i.exec(args);
      out.push({ name: as?.[1], instructions: [] });
      continue;
    }
    const stage = out[out.length - 1];
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    stage.instructions.push({ op: op.toUpperCase(), args });
  }
  return out;
}

interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
  readonly dest: string;
}
function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.op === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = /^--from=(.+)$/.exec(words[0] ?? '')?.[1];
      const paths = words.filter((w) => !w.startsWith('--'));
      return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] ?? '' };
    });
}

/** Paths (relative to WORKDIR /app) that a stage's COPY instructions place. */
function placed(stage: Stage): string[] {
  return copies(stage).flatMap((c) =>
    c.dest.endsWith('/') || c.sources.length > 1
      ? c.sources.map((s) => path.posix.join(c.dest, path.posix.basename(s)))
      : [c.dest],
  );
}

function isPlaced(file: string, where: string[]): boolean {
  const normal = path.posix.normalize(file);
  return where.some((p) => {
    const q = path.posix.normalize(p);
    return normal === q || normal.startsWith(`${q}/`);
  });
}

interface Container {
  readonly image: string;
  readonly workingDir?: string;
  readonly command?: string[];
}
function manifestContainers(): Container[] {
  const out: Container[] = [];
  for (const file of readdirSync(KUBERNETES).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(KUBERNETES, file), 'utf8'))) {
      const o = doc.toJS() as {
        kind?: string;
        spec?: { template?: { spec?: { containers?: Container[] } } };
      };
      if (o.kind === 'Deployment') out.push(...(o.spec?.template?.spec?.containers ?? []));
    }
  }
  return out;
}

const dockerfile = stages(readFileSync(path.join(__dirname, 'Dockerfile'), 'utf8'));
const final = dockerfile[dockerfile.length - 1] as Stage;
const finalFiles = placed(final);
const version = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

describe('the hub image', () => {
  it('builds in one stage and runs from a second that copies the build by name', () => {
    expect(dockerfile.length).toBe(2);
    const build = dockerfile[0] as Stage;
    expect(build.name).toBeDefined();
    expect(build.instructions.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(build.instructions.some((i) => i.op === 'RUN' && /--omit=dev/.test(i.args))).toBe(true);
    const fromBuild = copies(final).filter((c) => c.from !== undefined);
    expect(fromBuild.map((c) => c.from)).toEqual(fromBuild.map(() => build.name));
    expect(fromBuild.flatMap((c) => c.sources).sort()).toEqual(['/app/dist', '/app/node_modules']);
  });

  it('copies from the repository only files that exist, and patches before npm ci', () => {
    for (const stage of dockerfile) {
      for (const c of copies(stage).filter((x) => x.from === undefined)) {
        for (const s of c.sources) expect(existsSync(path.join(ROOT, s))).toBe(true);
      }
    }
    const build = (dockerfile[0] as Stage).instructions;
    const patches = build.findIndex((i) => i.op === 'COPY' && /\bpatches\b/.test(i.args));
    const ci = build.findIndex((i) => i.op === 'RUN' && /npm ci\b/.test(i.args));
    expect(patches).toBeGreaterThanOrEqual(0);
    expect(patches).toBeLessThan(ci);
  });

  it('holds every file the pods start and the apps read at run time', () => {
    const containers = manifestContainers();
    expect(containers.length).toBeGreaterThanOrEqual(3);
    for (const c of containers) {
      expect(c.workingDir).toBe('/app');
      const files = (c.command ?? []).filter((w) => /\.js$/.test(w));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect([f, isPlaced(f, finalFiles)]).toEqual([f, true]);
    }
    // Read beside the compiled code through __dirname or the path mapping.
    for (const f of [
      'tsconfig.json',
      'package.json',
      'apps/gateway/console/index.html',
      'deploy/seed/directory.json',
      'schemas/Alert.avsc',
    ]) {
      expect([f, isPlaced(f, finalFiles)]).toEqual([f, true]);
    }
  });

  it('runs as the non-root user the pods name, and is the tag they pull', () => {
    const users = final.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toEqual(['10001:10001']);
    const manifests = readdirSync(KUBERNETES)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(path.join(KUBERNETES, f), 'utf8'))
      .join('\n');
    expect(manifests).toMatch(/runAsUser: 10001/);
    for (const c of manifestContainers()) expect(c.image).toBe(`liaison-hub:${version}`);
  });

  it('never lets keys, local state or a developer node_modules into the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['.local', 'node_modules', 'dist', '.env', '.git'])
      expect(ignored).toContain(p);
    const all = dockerfile.flatMap((s) => copies(s).flatMap((c) => c.sources));
    expect(all.filter((s) => /\.local|keys|\.env/.test(s))).toEqual([]);
  });
});
