/**
 * The model repository, Triton's folder convention: `<repo>/<model>/<version>/model.onnx` (or a
 * TF.js `model.json`) plus an optional `<repo>/<model>/config.yaml`. Rescanned on file changes
 * (fs.watch, debounced) and periodically (watching is unreliable on network filesystems): new
 * versions load, removed ones unload once their in-flight requests finish. A model that fails to
 * load is reported, never fatal. Requests look models up here by name only — a request path
 * never reaches the file system.
 */
import { type FSWatcher, promises as fsp, watch } from 'node:fs';
import { join } from 'node:path';
import { createDetector, type Detector } from '../detector.js';
import { loadSession, type RuntimeName, runtimeForFile } from '../runtime/load.js';
import type { InferenceSession } from '../runtime/tensor.js';
import { Batcher, type BatchingConfig } from './batcher.js';
import { HttpError, NAME_PATTERN } from './limits.js';
import type { ServeMetrics } from './metrics.js';
import { type ModelConfig, parseModelConfig, selectVersions } from './model-config.js';

export interface ModelVersion {
  model: string;
  version: string;
  file: string;
  platform: RuntimeName;
  config: ModelConfig;
  detector: Detector;
  session: InferenceSession;
  batcher: Batcher;
  /** Requests holding this version; a retired version is disposed when it drops to 0. */
  refs: number;
  retired: boolean;
  stamp: string;
}

export interface ModelEntry {
  name: string;
  config: ModelConfig;
  versions: Map<string, ModelVersion>;
  /** Versions (or '' for the model as a whole, e.g. a bad config.yaml) that failed, with the stamp tried. */
  failures: Map<string, { error: string; stamp: string }>;
}

export interface RepositoryOptions {
  /** A repository folder, or one model file served as `<name>` version 1. */
  root?: string;
  single?: { name: string; file: string };
  batching: BatchingConfig;
  threads?: number;
  metrics?: ServeMetrics;
  log?: (event: Record<string, unknown>) => void;
  /** Periodic rescan, ms (0 = none). */
  rescanMs?: number;
}

const MODEL_FILES = ['model.onnx', 'model.json'];

async function stampOf(...paths: string[]): Promise<string> {
  const parts: string[] = [];
  for (const p of paths) {
    const s = await fsp.stat(p).catch(() => undefined);
    parts.push(s ? `${s.size}:${s.mtimeMs}` : '-');
  }
  return parts.join('|');
}

export class ModelRepository {
  readonly entries = new Map<string, ModelEntry>();
  private scanning: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private interval: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private closed = false;
  private drained = new Set<Promise<void>>();

  constructor(private readonly options: RepositoryOptions) {}

  /** Loads what is there now, then keeps watching (repository mode). */
  async start(): Promise<void> {
    await this.rescan();
    const root = this.options.root;
    if (!root) return;
    try {
      this.watcher = watch(root, { recursive: true }, () => this.scheduleRescan());
      this.watcher.on('error', () => undefined);
    } catch {
      // Recursive watching is unsupported here; the periodic rescan covers it.
    }
    const every = this.options.rescanMs ?? 5000;
    if (every > 0) this.interval = setInterval(() => this.scheduleRescan(), every).unref();
  }

  scheduleRescan(delayMs = 200): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rescan(), delayMs);
  }

  /** One scan at a time; resolves when this one is done. */
  rescan(): Promise<void> {
    this.scanning = this.scanning
      .then(() => (this.closed ? undefined : this.scanOnce()))
      .catch((e) => {
        this.log({ event: 'scan_failed', error: String(e) });
      });
    return this.scanning;
  }

  private log(event: Record<string, unknown>): void {
    this.options.log?.(event);
  }

  private async scanOnce(): Promise<void> {
    const { root, single } = this.options;
    if (single) {
      const stamp = await stampOf(single.file);
      await this.reconcile(
        single.name,
        { versionPolicy: { kind: 'all' } },
        new Map([['1', { file: single.file, stamp }]]),
      );
      return;
    }
    const names = new Set<string>();
    const dirents = await fsp.readdir(root!, { withFileTypes: true }).catch((e) => {
      this.log({ event: 'scan_failed', error: `cannot read the model repository ${root}: ${(e as Error).message}` });
      return [];
    });
    for (const d of dirents) {
      if (!d.isDirectory() || !NAME_PATTERN.test(d.name) || d.name.startsWith('.')) continue;
      names.add(d.name);
      await this.scanModel(d.name, join(root!, d.name));
    }
    for (const name of [...this.entries.keys()]) {
      if (!names.has(name)) this.removeModel(name);
    }
  }

  private async scanModel(name: string, dir: string): Promise<void> {
    const configPath = join(dir, 'config.yaml');
    const configStamp = await stampOf(configPath);
    let config: ModelConfig;
    try {
      const text = await fsp.readFile(configPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return '';
        throw e;
      });
      config = parseModelConfig(text);
    } catch (e) {
      const entry = this.entry(name, { versionPolicy: { kind: 'latest', count: 1 } });
      const error = `${configPath}: ${(e as Error).message}`;
      if (entry.failures.get('')?.stamp !== configStamp) this.log({ event: 'model_failed', model: name, error });
      entry.failures.set('', { error, stamp: configStamp });
      return;
    }
    const found = new Map<string, { file: string; stamp: string }>();
    for (const d of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!d.isDirectory() || !/^[0-9]+$/.test(d.name)) continue;
      for (const f of MODEL_FILES) {
        const file = join(dir, d.name, f);
        const stamp = await stampOf(file);
        if (stamp !== '-') {
          found.set(d.name, { file, stamp: `${stamp}#${configStamp}` });
          break;
        }
      }
    }
    const wanted = new Set(selectVersions([...found.keys()], config.versionPolicy));
    for (const v of found.keys()) if (!wanted.has(v)) found.delete(v);
    this.entry(name, config).failures.delete('');
    await this.reconcile(name, config, found);
  }

  private entry(name: string, config: ModelConfig): ModelEntry {
    let entry = this.entries.get(name);
    if (!entry) {
      entry = { name, config, versions: new Map(), failures: new Map() };
      this.entries.set(name, entry);
    }
    return entry;
  }

  private async reconcile(name: string, config: ModelConfig, wanted: Map<string, { file: string; stamp: string }>) {
    const entry = this.entry(name, config);
    entry.config = config;
    for (const [version, loaded] of [...entry.versions]) {
      if (wanted.get(version)?.stamp !== loaded.stamp) {
        entry.versions.delete(version);
        this.retire(loaded);
      }
    }
    for (const version of [...entry.failures.keys()])
      if (version !== '' && !wanted.has(version)) entry.failures.delete(version);
    for (const [version, { file, stamp }] of wanted) {
      if (entry.versions.has(version) || entry.failures.get(version)?.stamp === stamp) continue;
      try {
        const loaded = await this.load(name, version, file, stamp, config);
        if (this.closed) {
          await loaded.session.dispose();
          return;
        }
        entry.versions.set(version, loaded);
        entry.failures.delete(version);
        this.log({ event: 'model_loaded', model: name, version, file, family: loaded.detector.family.name });
      } catch (e) {
        const error = (e as Error).message;
        entry.failures.set(version, { error, stamp });
        this.log({ event: 'model_failed', model: name, version, file, error });
      }
    }
    this.updateGauge();
  }

  private async load(name: string, version: string, file: string, stamp: string, config: ModelConfig) {
    const platform = runtimeForFile(file) ?? 'onnx';
    const session = await loadSession(file, { runtime: platform, threads: this.options.threads });
    try {
      const { decodeImage } = await import('../io/decode-image.js');
      const detector = createDetector(
        session,
        file,
        {
          family: config.family,
          labels: config.labels,
          scoreThreshold: config.scoreThreshold,
          iouThreshold: config.iouThreshold,
          maxDetections: config.maxDetections,
          inputSize: config.inputSize,
        },
        (source, plan) => decodeImage(source, undefined, plan),
      );
      const b = this.options.batching;
      const batcher = new Batcher(
        detector,
        {
          maxBatch: config.maxBatch || b.maxBatch,
          maxQueueDelayUs: config.maxQueueDelayUs ?? b.maxQueueDelayUs,
          maxQueue: config.maxQueue || b.maxQueue,
        },
        name,
        this.options.metrics,
      );
      const v: ModelVersion = {
        model: name,
        version,
        file,
        platform,
        config,
        detector,
        session,
        batcher,
        refs: 0,
        retired: false,
        stamp,
      };
      return v;
    } catch (e) {
      await session.dispose();
      throw e;
    }
  }

  private removeModel(name: string): void {
    const entry = this.entries.get(name)!;
    for (const v of entry.versions.values()) this.retire(v);
    this.entries.delete(name);
    this.log({ event: 'model_removed', model: name });
    this.updateGauge();
  }

  private retire(v: ModelVersion): void {
    v.retired = true;
    this.log({ event: 'model_unloading', model: v.model, version: v.version, in_flight: v.refs });
    if (v.refs === 0) this.dispose(v);
  }

  private dispose(v: ModelVersion): void {
    const done = v.session
      .dispose()
      .catch(() => undefined)
      .then(() => {
        this.drained.delete(done);
        this.log({ event: 'model_unloaded', model: v.model, version: v.version });
      });
    this.drained.add(done);
  }

  private updateGauge(): void {
    let n = 0;
    for (const e of this.entries.values()) n += e.versions.size;
    this.options.metrics?.modelsLoaded.set(n);
  }

  /** The newest loaded version (or the one named), held until `release`. 404 when unknown, 503 when not loaded. */
  acquire(name: string, version?: string): ModelVersion {
    const entry = this.entries.get(name);
    if (!entry) throw new HttpError(404, `no model named "${name}"`);
    let v: ModelVersion | undefined;
    if (version !== undefined) v = entry.versions.get(version);
    else v = [...entry.versions.values()].sort((a, b) => Number(b.version) - Number(a.version))[0];
    if (!v) {
      const failure = entry.failures.get(version ?? '') ?? [...entry.failures.values()][0];
      if (version !== undefined && !failure) throw new HttpError(404, `model "${name}" has no version "${version}"`);
      throw new HttpError(503, `model "${name}" is not ready${failure ? `: ${failure.error}` : ''}`);
    }
    v.refs++;
    return v;
  }

  release(v: ModelVersion): void {
    v.refs--;
    if (v.retired && v.refs === 0) this.dispose(v);
  }

  /** Stops watching and disposes every model (after their requests finish). */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.interval);
    clearTimeout(this.debounce);
    await this.scanning;
    for (const name of [...this.entries.keys()]) this.removeModel(name);
    while (this.drained.size > 0) await Promise.all([...this.drained]);
  }
}
