/** autocannon (no bundled types) behind the few fields the load test and benchmark read. */
import { createRequire } from 'node:module';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer | string;
  connections?: number;
  amount?: number;
  duration?: number;
  /** Seconds before a request counts as timed out (autocannon's default: 10). */
  timeout?: number;
}

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  /** Every response's latency in ms: autocannon's histogram keeps whole milliseconds only. */
  samples: number[];
}

interface Instance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: LoadOptions,
  done: (error: Error | null, result: Omit<LoadResult, 'samples'>) => void,
) => Instance;

export function load(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const samples: number[] = [];
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve({ ...result, samples })));
    instance.on('response', (_client, _status, _bytes, ms) => samples.push(ms));
  });
}

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
