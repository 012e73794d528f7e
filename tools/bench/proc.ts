import { readFileSync, readdirSync } from 'node:fs';

/** Memory of one process from /proc/<pid>/status, in MiB; null when it is gone. */
export interface ProcMemory {
  rssMiB: number;
  /** Peak RSS of the process's whole life (VmHWM). */
  hwmMiB: number;
  /** Private memory (RssAnon): what the process itself allocated. */
  anonMiB: number;
  /** Shared memory it touched (RssShmem): for PostgreSQL backends, pages of shared_buffers. */
  shmemMiB: number;
}

const kb = (status: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);

export function readProcMemory(pid: number): ProcMemory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const mib = (key: string) => Math.round((kb(status, key) / 1024) * 10) / 10;
  return { rssMiB: mib('VmRSS'), hwmMiB: mib('VmHWM'), anonMiB: mib('RssAnon'), shmemMiB: mib('RssShmem') };
}

/** utime + stime of a process in clock ticks (1/100 s on Linux); null when it is gone. */
export function readCpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Busy and total ticks of the whole machine from /proc/stat. */
export function readMachineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  const idle = values[3] + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Pids whose command name (/proc/<pid>/comm) is `name`, e.g. every `postgres` process. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Pids named `name` whose command line contains `marker`, e.g. the JVM running `kafka.Kafka`. */
export function pidsWithCommandLine(name: string, marker: string): number[] {
  return pidsNamed(name).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}
