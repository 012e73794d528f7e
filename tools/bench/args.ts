/** `npm run bench -- [--only a,b] [--quick] [--fleet N] [--fleet-full] [--fleet-scale N] [--out DIR]`. Pure: see args.spec.ts. */

export const BENCHMARKS = ['post-to-active', 'burst', 'api-reads', 'tracing-overhead', 'event-latency', 'fleet', 'fleet-databases', 'tenant-move', 'tenant-archive', 'memory'] as const;
export type BenchName = (typeof BENCHMARKS)[number];

export interface BenchArgs {
  only: BenchName[];
  quick: boolean;
  /** Tenant schemas in the fleet benchmark. */
  fleet: number;
  /** Build fleet schemas with every tenant migration instead of the slim fixture (slower to build). */
  fleetFull: boolean;
  /** Schemas per database in the fleet-databases benchmark (4 databases × N beside 1 × 4N). */
  fleetScale: number;
  /** Run on a Kafka instance of its own instead of the shared broker (KAFKA_BROKERS or 9092). */
  privateBroker: boolean;
  /** Where benchmarks.md / benchmarks.json go. */
  out: string;
}

export const USAGE = `npm run bench -- [options]
  --only <names>    comma-separated: ${BENCHMARKS.join(', ')} (default: all)
  --quick           small sizes, a smoke run of the harness (minutes, not a measurement)
  --fleet <n>       tenant schemas in the fleet benchmark (default 10000; 200 with --quick)
  --fleet-full      build fleet schemas with every tenant migration, not only the table the benchmark migration alters
  --fleet-scale <n> schemas per database in fleet-databases: 4 databases × n beside 1 × 4n (default 10000; 100 with --quick)
  --private-broker  start a Kafka instance of its own (removed afterwards) instead of using the shared broker
  --out <dir>       where to write benchmarks.md and benchmarks.json (default docs)`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): BenchArgs {
  let only: BenchName[] | undefined;
  let quick = false;
  let fleet: number | undefined;
  let fleetFull = false;
  let fleetScale: number | undefined;
  let out = 'docs';
  let privateBroker = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value.\n${USAGE}`);
      return next;
    };
    if (arg === '--only') {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
      if (names.length === 0 || unknown.length > 0) throw new UsageError(`--only: unknown benchmark ${unknown.join(', ') || '(none given)'}; choose from ${BENCHMARKS.join(', ')}.`);
      only = names as BenchName[];
    } else if (arg === '--quick') quick = true;
    else if (arg === '--fleet') {
      const text = value();
      if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--fleet takes a whole number of schemas >= 1, got ${JSON.stringify(text)}.`);
      fleet = Number(text);
    } else if (arg === '--fleet-full') fleetFull = true;
    else if (arg === '--fleet-scale') {
      const text = value();
      if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--fleet-scale takes a whole number of schemas per database >= 1, got ${JSON.stringify(text)}.`);
      fleetScale = Number(text);
    }
    else if (arg === '--private-broker') privateBroker = true;
    else if (arg === '--out') out = value();
    else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`Unknown option ${JSON.stringify(arg)}.\n${USAGE}`);
  }
  return { only: only ?? [...BENCHMARKS], quick, fleet: fleet ?? (quick ? 200 : 10_000), fleetFull, fleetScale: fleetScale ?? (quick ? 100 : 10_000), privateBroker, out };
}

/** `memory` is measured during the burst and the fleet migration: asking for it runs both. */
export function benchmarksToRun(only: readonly BenchName[]): Set<BenchName> {
  const run = new Set(only);
  if (run.has('memory')) {
    run.add('burst');
    run.add('fleet');
  }
  return run;
}
