/**
 * FileAccess over an in-memory map of path → bytes, with folders implied by the files under
 * them (or made by `mkdir`). Environment-free: the browser can hold dropped files in it, and
 * tests and the format fuzzer build datasets in it without touching the disk.
 *
 * Semantics and messages follow `io/node-files.ts`: a missing file is a DetkitError naming it
 * ("no such file or folder"), reading a folder is "is a folder, not a file", lines drop their
 * '\n' / '\r\n' / '\r' terminators, listings are sorted by name, writes make parent folders.
 */
import { DetkitError } from './errors.js';
import type { ByteSink, FileAccess, FileEntry, FileStat } from './files.js';
import { dirname, normalizePath } from './paths.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface MemoryFilesOptions {
  /** Bytes per `readChunks` chunk (default 1 MiB, as on disk); small values exercise record framing across chunks. */
  chunkSize?: number;
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? encoder.encode(content) : content.slice();
}

/** normalizePath, skipped for the common already-normal path (it is most of a small read's cost). */
function normal(path: string): string {
  return path !== '' && !/\/\/|(^|\/)\.\.?(\/|$)|.\/$/.test(path) ? path : normalizePath(path);
}

function missing(path: string): DetkitError {
  return new DetkitError('no such file or folder', { file: path });
}

export class MemoryFiles implements FileAccess {
  /** File contents by normalised path. Stored bytes are never handed out: reads return copies. */
  private readonly contents = new Map<string, Uint8Array>();
  /** Folders made by `mkdir` (others are implied by the files under them). */
  private readonly folders = new Set<string>();
  private readonly chunkSize: number;

  constructor(initial: Record<string, string | Uint8Array> = {}, options: MemoryFilesOptions = {}) {
    this.chunkSize = Math.max(1, options.chunkSize ?? 1 << 20);
    for (const [path, content] of Object.entries(initial)) this.put(path, content);
  }

  /** A copy sharing no state (unchanged bytes are shared, which is safe: stored bytes never change). */
  clone(options: MemoryFilesOptions = {}): MemoryFiles {
    const copy = new MemoryFiles({}, { chunkSize: options.chunkSize ?? this.chunkSize });
    for (const [path, bytes] of this.contents) copy.contents.set(path, bytes);
    for (const folder of this.folders) copy.folders.add(folder);
    if (this.index) copy.index = new Map([...this.index].map(([dir, names]) => [dir, new Map(names)]));
    return copy;
  }

  /** Every file path, sorted. */
  paths(): string[] {
    return [...this.contents.keys()].sort();
  }

  /** The stored bytes of a file (a copy), or undefined. */
  get(path: string): Uint8Array | undefined {
    return this.contents.get(normal(path))?.slice();
  }

  /** Sets a file synchronously, making its folders (the synchronous twin of `writeBytes`). */
  put(path: string, content: string | Uint8Array): void {
    const p = normal(path);
    this.checkWritable(p);
    if (!this.contents.has(p)) this.indexPath(p, false);
    this.contents.set(p, toBytes(content));
  }

  /** Removes a file or a folder with everything under it. */
  remove(path: string): void {
    const p = normal(path);
    const prefix = p === '/' ? '/' : `${p}/`;
    for (const key of [...this.contents.keys()]) if (key === p || key.startsWith(prefix)) this.contents.delete(key);
    for (const key of [...this.folders]) if (key === p || key.startsWith(prefix)) this.folders.delete(key);
    this.index = undefined;
  }

  /**
   * Entries of every folder (name → is a folder), built on first need and kept up to date as
   * files are added, so a writer's stat-then-write per file stays linear.
   */
  private index: Map<string, Map<string, boolean>> | undefined;

  private entries(): Map<string, Map<string, boolean>> {
    if (!this.index) {
      this.index = new Map();
      for (const key of this.contents.keys()) this.indexPath(key, false);
      for (const key of this.folders) this.indexPath(key, true);
    }
    return this.index;
  }

  private indexPath(p: string, isDirectory: boolean): void {
    const index = this.index;
    if (!index) return;
    let child = p;
    let childIsDirectory = isDirectory;
    while (child !== '/' && child !== '.' && child !== '..' && !child.endsWith('/..')) {
      const parent = dirname(child);
      let names = index.get(parent);
      if (!names) index.set(parent, (names = new Map()));
      const name = child.slice(child.lastIndexOf('/') + 1);
      const known = names.get(name);
      names.set(name, (known ?? false) || childIsDirectory);
      if (known !== undefined && (known || !childIsDirectory)) return;
      child = parent;
      childIsDirectory = true;
    }
    if (isDirectory && !index.has(p)) index.set(p, new Map());
  }

  private isFolder(p: string): boolean {
    return p === '/' || p === '.' || this.entries().has(p);
  }

  /** Throws like node:fs when `p` is a folder or one of its parents is a file. */
  private checkWritable(p: string): void {
    if (this.isFolder(p)) throw new DetkitError('is a folder, not a file', { file: p });
    this.checkParents(p);
  }

  private checkParents(p: string): void {
    for (let parent = dirname(p); parent !== '/' && parent !== '.'; parent = dirname(parent)) {
      if (this.contents.has(parent)) throw new DetkitError('a parent is not a folder', { file: p });
    }
  }

  private file(path: string): Uint8Array {
    const p = normal(path);
    const bytes = this.contents.get(p);
    if (bytes) return bytes;
    if (this.isFolder(p)) throw new DetkitError('is a folder, not a file', { file: path });
    throw missing(path);
  }

  async readText(path: string): Promise<string> {
    return decoder.decode(this.file(path));
  }

  async readBytes(path: string): Promise<Uint8Array> {
    return this.file(path).slice();
  }

  async readHead(path: string, length: number): Promise<Uint8Array> {
    return this.file(path).slice(0, Math.max(0, length));
  }

  async *readLines(path: string): AsyncIterable<string> {
    const text = decoder.decode(this.file(path));
    // readline's rule: '\r\n', '\n' or a lone '\r' ends a line; no empty line after the last terminator.
    const lines = text.split(/\r\n|\n|\r/);
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) yield line;
  }

  async *readChunks(path: string): AsyncIterable<Uint8Array> {
    const bytes = this.file(path);
    for (let start = 0; start < bytes.length; start += this.chunkSize) {
      yield bytes.slice(start, start + this.chunkSize);
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    const p = normal(path);
    const bytes = this.contents.get(p);
    if (bytes) return { isDirectory: false, size: bytes.length };
    return this.isFolder(p) ? { isDirectory: true, size: 0 } : null;
  }

  async list(dir: string): Promise<FileEntry[]> {
    const p = normalizePath(dir);
    if (this.contents.has(p)) throw new DetkitError('a parent is not a folder', { file: dir });
    if (!this.isFolder(p)) throw missing(dir);
    return [...(this.entries().get(p) ?? [])]
      .map(([name, isDirectory]) => ({ name, isDirectory }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async writeText(path: string, text: string): Promise<void> {
    this.put(path, text);
  }

  async writeBytes(path: string, bytes: Uint8Array): Promise<void> {
    this.put(path, bytes);
  }

  async openWriter(path: string): Promise<ByteSink> {
    const p = normal(path);
    this.put(p, new Uint8Array(0));
    const chunks: Uint8Array[] = [];
    let closed = false;
    return {
      write: async (chunk) => {
        if (closed) throw new DetkitError('write after close', { file: path });
        chunks.push(toBytes(chunk));
      },
      close: async () => {
        if (closed) return;
        closed = true;
        const size = chunks.reduce((n, c) => n + c.length, 0);
        const all = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.length;
        }
        this.contents.set(p, all);
      },
    };
  }

  async copyFile(from: string, to: string): Promise<void> {
    const bytes = this.file(from);
    const p = normal(to);
    this.checkWritable(p);
    if (!this.contents.has(p)) this.indexPath(p, false);
    this.contents.set(p, bytes);
  }

  async mkdir(path: string): Promise<void> {
    const p = normal(path);
    if (this.contents.has(p)) throw new DetkitError('a file is in the way of this folder', { file: path });
    this.checkParents(p);
    if (p !== '/' && p !== '.' && !this.folders.has(p)) {
      this.folders.add(p);
      this.indexPath(p, true);
    }
  }
}
