import type { PeakMemory } from './samplers.ts';

/** Peaks the burst and fleet benchmarks saw, gathered into the memory section of the report. */
export interface MemoryWindow {
  /** e.g. "burst run 1" */
  window: string;
  processes: PeakMemory[];
  /** RSS of each process a few seconds after the window, once idle. */
  settledMiB?: Record<string, number>;
}

export const memoryWindows: MemoryWindow[] = [];
