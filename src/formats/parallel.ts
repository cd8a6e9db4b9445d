/**
 * Bounded concurrency for per-file work (reading 5,000 label files or image headers, writing
 * as many outputs): enough requests in flight to hide I/O latency, few enough not to exhaust
 * file handles.
 */

/** How many file operations readers and writers keep in flight. */
export const FILE_CONCURRENCY = 64;

/** `fn` over `items` with at most `limit` calls pending; results in `items` order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  const workers: Promise<void>[] = [];
  for (let k = 0; k < Math.min(limit, items.length); k++) workers.push(worker());
  await Promise.all(workers);
  return out;
}
