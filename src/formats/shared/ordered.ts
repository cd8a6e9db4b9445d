/**
 * Loads items with bounded concurrency but hands the results over in input order, so a reader
 * overlaps file I/O yet builds the same dataset (same ids, same first error) on every run.
 */
export async function forEachOrdered<T, R>(
  items: readonly T[],
  limit: number,
  load: (item: T, index: number) => Promise<R>,
  consume: (result: R, item: T, index: number) => void | Promise<void>,
): Promise<void> {
  const pending = new Map<number, Promise<R>>();
  let next = 0;
  const start = () => {
    const loading = load(items[next], next);
    loading.catch(() => {}); // surfaced in order by the await below, not as an unhandled rejection
    pending.set(next++, loading);
  };
  while (next < Math.min(limit, items.length)) start();
  for (let i = 0; i < items.length; i++) {
    const result = await (pending.get(i) as Promise<R>);
    pending.delete(i);
    if (next < items.length) start();
    await consume(result, items[i], i);
  }
}
