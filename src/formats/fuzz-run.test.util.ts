/**
 * The fuzzer's loop for one format: mutate the seed corpus, run `detect` and `read`, classify
 * what happened. Runs in a worker (fuzz-worker.test.util.ts) so the test can stop a case that
 * hangs and so node:test's promise tracking does not slow the reads down.
 */
import { DetkitError } from '../core/errors.js';
import type { MemoryFiles } from '../core/memory-files.js';
import type { DatasetFormat } from './format.js';
import { caseSeed, fileKind, mutateBytes, Rng } from './fuzz-mutate.test.util.js';
import type { SeedCorpus } from './fuzz-seeds.test.util.js';

/** Where a message points inside a text file: `file:12`, `record …`, `images[3]`, `line …`. */
export const LOCATED = /:\d+|record|\[\d+\]|line/;

export interface FuzzCase {
  index: number;
  seed: number;
  target: string;
  what: string;
  /** The mutated file is text: its errors should say where in it. */
  text: boolean;
}

export type Outcome =
  | { kind: 'read' }
  | { kind: 'rejected'; message: string; located: boolean }
  | { kind: 'failure'; problem: string };

export interface FuzzSummary {
  format: string;
  cases: number;
  cpuMs: number;
  read: number;
  rejected: number;
  /** Crashes, messages not naming the file: each with its replay line. */
  failures: string[];
  /** Rejections on text files whose message has no line / record / index. */
  unlocated: string[];
  /** The replayed case's outcome (DETKIT_FUZZ_CASE). */
  replay?: string;
}

export interface FuzzOptions {
  cases: number;
  runSeed: number;
  onlyCase?: number;
}

export function replayHint(format: string, runSeed: number, c: FuzzCase): string {
  return `DETKIT_FUZZ_FORMAT=${format} DETKIT_FUZZ_SEED=${runSeed} DETKIT_FUZZ_CASE=${c.index} (case seed ${c.seed}): ${c.target}: ${c.what}`;
}

interface CorpusFiles {
  paths: string[];
  /** Files other than images: mutated most of the time. */
  annotations: string[];
  bytes: Map<string, Uint8Array>;
  kinds: Map<string, ReturnType<typeof fileKind>>;
}

const corpusFiles = new WeakMap<SeedCorpus, CorpusFiles>();

function filesOf(corpus: SeedCorpus): CorpusFiles {
  let known = corpusFiles.get(corpus);
  if (!known) {
    const paths = corpus.files.paths();
    const bytes = new Map(paths.map((p) => [p, corpus.files.get(p)!]));
    const kinds = new Map(paths.map((p) => [p, fileKind(p, bytes.get(p)!)]));
    known = { paths, annotations: paths.filter((p) => kinds.get(p) !== 'image'), bytes, kinds };
    corpusFiles.set(corpus, known);
  }
  return known;
}

/** The seed corpus with one file mutated (or removed, or turned into a folder). */
export function mutateCorpus(corpus: SeedCorpus, format: string, runSeed: number, index: number) {
  const seed = caseSeed(runSeed, format, index);
  const rng = new Rng(seed);
  // Mostly disk-sized chunks; sometimes tiny ones, so record framing is cut at odd places.
  const files: MemoryFiles = corpus.files.clone({ chunkSize: rng.chance(0.9) ? 1 << 20 : rng.pick([7, 64]) });
  const { paths, annotations, bytes: seedBytes, kinds } = filesOf(corpus);
  const target = rng.chance(0.12) || annotations.length === 0 ? rng.pick(paths) : rng.pick(annotations);
  const original = seedBytes.get(target)!;
  const text = !['image', 'binary', 'tfrecord'].includes(kinds.get(target)!);
  const roll = rng.next();
  const c = (what: string, isText = text): FuzzCase => ({ index, seed, target, what, text: isText });
  if (roll < 0.03) {
    files.remove(target);
    return { files, c: c('file removed', false) };
  }
  if (roll < 0.05) {
    files.remove(target);
    files.put(`${target}/inside.txt`, 'a folder where a file was');
    return { files, c: c('file replaced by a folder', false) };
  }
  let bytes = original;
  const what: string[] = [];
  for (let k = rng.chance(0.2) ? 2 + rng.int(2) : 1; k > 0; k--) {
    const done = mutateBytes(rng, target, bytes);
    bytes = done.bytes;
    what.push(done.what);
  }
  files.put(target, bytes);
  return { files, c: c(what.join(' + ')) };
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
  const at = e.stack?.split('\n').find((l) => l.includes('/dist/src/')) ?? '';
  return `${e.name}: ${e.message.slice(0, 300)} ${at.trim()}`;
}

export async function runCase(
  format: DatasetFormat,
  corpora: SeedCorpus[],
  runSeed: number,
  index: number,
): Promise<{ c: FuzzCase; outcome: Outcome }> {
  const corpus = corpora[index % corpora.length];
  const { files, c } = mutateCorpus(corpus, format.name, runSeed, index);
  try {
    await format.detect(files, corpus.root);
  } catch (e) {
    if (!(e instanceof DetkitError)) return { c, outcome: { kind: 'failure', problem: `detect: ${describe(e)}` } };
  }
  try {
    await format.read(files, corpus.root, { warn: () => {} });
    return { c, outcome: { kind: 'read' } };
  } catch (e) {
    if (!(e instanceof DetkitError)) return { c, outcome: { kind: 'failure', problem: `read: ${describe(e)}` } };
    // A file that is gone can only be missed by whoever looked for it: the dataset root may say so.
    const gone = c.what.startsWith('file re');
    if (!e.message.includes(c.target) && !(gone && e.message.includes(corpus.root))) {
      return { c, outcome: { kind: 'failure', problem: `message does not name ${c.target}: ${e.message}` } };
    }
    return { c, outcome: { kind: 'rejected', message: e.message, located: !c.text || LOCATED.test(e.message) } };
  }
}

/**
 * Runs the cases; `progress[0]` holds the case running now, so a watchdog in another thread
 * can tell a hang from a slow run.
 */
export async function runFormat(
  format: DatasetFormat,
  corpora: SeedCorpus[],
  options: FuzzOptions,
  progress?: Int32Array,
): Promise<FuzzSummary> {
  const cpu = process.cpuUsage();
  const summary: FuzzSummary = {
    format: format.name,
    cases: 0,
    cpuMs: 0,
    read: 0,
    rejected: 0,
    failures: [],
    unlocated: [],
  };
  const indexes =
    options.onlyCase === undefined ? Array.from({ length: options.cases }, (_, k) => k) : [options.onlyCase];
  for (const index of indexes) {
    if (progress) Atomics.store(progress, 0, index);
    const { c, outcome } = await runCase(format, corpora, options.runSeed, index);
    const hint = replayHint(format.name, options.runSeed, c);
    if (options.onlyCase !== undefined) summary.replay = `${hint} → ${JSON.stringify(outcome)}`;
    summary.cases++;
    if (outcome.kind === 'read') summary.read++;
    else if (outcome.kind === 'rejected') {
      summary.rejected++;
      if (!outcome.located) summary.unlocated.push(`${outcome.message}  [${hint}]`);
    } else summary.failures.push(`${outcome.problem}\n    replay: ${hint}`);
  }
  const used = process.cpuUsage(cpu);
  summary.cpuMs = (used.user + used.system) / 1000;
  return summary;
}
