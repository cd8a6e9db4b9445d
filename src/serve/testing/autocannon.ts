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
}

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

const autocannon = createRequire(import.meta.url)('autocannon') as (options: LoadOptions) => Promise<LoadResult>;

export function load(options: LoadOptions): Promise<LoadResult> {
  return autocannon(options);
}
