/**
 * Where a phase's CPU went on the whole machine: every process's user + system
 * time from /proc, taken before and after the phase and grouped by role (the
 * hub worker or pass-through, the audit app, PostgreSQL, the Kafka broker, the
 * bench's own load generator and feed reader). On a 2-core machine shared by
 * all of them, a phase's throughput is bounded by the sum, so the report puts
 * each role's CPU per delivered record beside the baseline's.
 */
import { readFileSync, readdirSync } from 'node:fs';

export type CpuRole =
  'worker' | 'pass-through' | 'audit' | 'postgresql' | 'kafka' | 'bench-harness' | 'other';

export const CPU_ROLES: readonly CpuRole[] = [
  'worker',
  'pass-through',
  'audit',
  'postgresql',
  'kafka',
  'bench-harness',
  'other',
];

export function roleOf(commandLine: string): CpuRole | undefined {
  if (commandLine.includes('apps/policy/src/main.js')) return 'worker';
  if (commandLine.includes('passthrough.js')) return 'pass-through';
  if (commandLine.includes('apps/audit/src/main.js')) return 'audit';
  if (commandLine.startsWith('postgres')) return 'postgresql';
  if (/\bjava\b/.test(commandLine) && commandLine.includes('kafka')) return 'kafka';
  if (/feed-reader\.js|load-generator\.js|run-all\.js/.test(commandLine)) return 'bench-harness';
  return undefined;
}

interface ProcessTicks {
  readonly role: CpuRole;
  readonly ticks: number;
  /** Of `ticks`, those in the kernel (stime): system calls, page faults. */
  readonly kernelTicks: number;
}

export interface CpuSnapshot {
  /** Busy ticks of all cores together (/proc/stat). */
  readonly machineBusy: number;
  readonly processes: ReadonlyMap<number, ProcessTicks>;
}

/** Clock ticks per second (USER_HZ): 100 on every Linux build this runs on. */
const TICKS_PER_SECOND = 100;

function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal ...
  const fields = cpu.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return fields.reduce((a, b) => a + b, 0) - idle;
}

export function cpuSnapshot(): CpuSnapshot {
  const processes = new Map<number, ProcessTicks>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const role = roleOf(cmd) ?? 'other';
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after ") ".
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const kernelTicks = Number(after[12]); // stime
      const ticks = Number(after[11]) + kernelTicks; // utime + stime
      processes.set(Number(entry), { role, ticks, kernelTicks });
    } catch {
      // the process ended while being read
    }
  }
  return { machineBusy: machineBusyTicks(), processes };
}

export interface CpuUse {
  /** CPU seconds of the whole machine, all cores. */
  readonly machineSeconds: number;
  /** CPU seconds per role, of processes alive at both ends (or started in between). */
  readonly byRole: Readonly<Record<CpuRole, number>>;
  /** Of byRole, the seconds spent in the kernel on the processes' behalf. */
  readonly kernelByRole: Readonly<Record<CpuRole, number>>;
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const zero = (): Record<CpuRole, number> =>
    Object.fromEntries(CPU_ROLES.map((r) => [r, 0])) as Record<CpuRole, number>;
  const byRole = zero();
  const kernelByRole = zero();
  for (const [pid, end] of after.processes) {
    const start = before.processes.get(pid);
    byRole[end.role] += Math.max(0, end.ticks - (start?.ticks ?? 0)) / TICKS_PER_SECOND;
    kernelByRole[end.role] +=
      Math.max(0, end.kernelTicks - (start?.kernelTicks ?? 0)) / TICKS_PER_SECOND;
  }
  return {
    machineSeconds: (after.machineBusy - before.machineBusy) / TICKS_PER_SECOND,
    byRole,
    kernelByRole,
  };
}
