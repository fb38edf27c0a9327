/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) into self time per function and
 * per area (a lib of ours, an npm package, Node internals, GC), as shares of the
 * busy (non-idle) time: where the worker's CPU goes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}
interface CpuProfile {
  /** µs on the monotonic clock (the one process.hrtime reads). */
  readonly startTime: number;
  readonly nodes: CpuProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly topFunctions: ProfileEntry[];
  readonly areas: ProfileEntry[];
}

export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/native (program)';
    return functionName || 'native';
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm: ${nm[1]}`;
  const lib = /dist\/libs\/([^/]+)/.exec(url);
  if (lib) return `@liaison/${lib[1]}`;
  const app = /dist\/apps\/([^/]+)/.exec(url);
  if (app) return `apps/${app[1]}`;
  if (url.startsWith('node:')) return 'Node internals';
  return 'other';
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  return url.replace(/^file:\/\//, '');
}

/**
 * `sinceMonotonicUs` (process.hrtime, in µs) leaves out the samples before it:
 * the process's start-up (module loading, connecting) is not the work measured.
 */
export function summariseProfile(
  dirOrFile: string,
  top = 20,
  sinceMonotonicUs = 0,
): ProfileSummary {
  const file = dirOrFile.endsWith('.cpuprofile')
    ? dirOrFile
    : path.join(
        dirOrFile,
        readdirSync(dirOrFile)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .pop() ?? 'missing.cpuprofile',
      );
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= sinceMonotonicUs) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const name = url
      ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
      : functionName || '(native)';
    fn.set(name, (fn.get(name) ?? 0) + us);
    const a = areaOf(url, functionName);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const entries = (m: Map<string, number>, limit: number): ProfileEntry[] =>
    [...m]
      .sort((x, y) => y[1] - x[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return {
    file: path.relative(process.cwd(), file),
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    topFunctions: entries(fn, top),
    areas: entries(area, 15),
  };
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node dist/bench/report/profile.js <dir-or-.cpuprofile>');
    process.exit(2);
  }
  console.log(JSON.stringify(summariseProfile(target), null, 2));
}
