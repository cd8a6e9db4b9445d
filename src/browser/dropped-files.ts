/**
 * FileAccess over files dropped on a page (or fetched, or made in memory), so the format
 * plugins read a dataset in the browser exactly as they read one from disk. Dropped `File`s stay
 * Blobs until a reader asks for them: a dataset of large images costs nothing until an image is
 * read. Writes land in memory. Folders are implied by the paths of the files under them.
 * Paths are relative to the drop, '/'-separated; a leading '/' or './' is ignored.
 */
import { DetkitError } from '../core/errors.js';
import type { ByteSink, FileAccess, FileEntry, FileStat } from '../core/files.js';
import { normalizePath } from '../core/paths.js';

export type DroppedContent = Blob | Uint8Array | string;

const CHUNK = 1 << 20;
const encoder = new TextEncoder();

function key(path: string): string {
  const p = normalizePath(path).replace(/^\/+/, '');
  return p === '.' ? '' : p;
}

function missing(path: string): DetkitError {
  return new DetkitError('no such file or folder', { file: path });
}

export class DroppedFiles implements FileAccess {
  private readonly contents = new Map<string, Blob | Uint8Array>();
  private readonly folders = new Set<string>(['']);

  constructor(initial: Record<string, DroppedContent> = {}) {
    for (const [path, content] of Object.entries(initial)) this.put(path, content);
  }

  /** Files from an `<input type=file webkitdirectory>` or a drop, under their relative paths. */
  static fromFiles(files: Iterable<File>): DroppedFiles {
    const out = new DroppedFiles();
    for (const file of files) out.put(file.webkitRelativePath || file.name, file);
    return out;
  }

  /** Everything dropped, folders walked (Chromium, Firefox and Safari all expose `webkitGetAsEntry`). */
  static async fromDataTransfer(transfer: DataTransfer): Promise<DroppedFiles> {
    const out = new DroppedFiles();
    const visit = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isFile) {
        const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
        out.put(path, file);
        return;
      }
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const child of batch) await visit(child, path);
      }
    };
    // Entries are taken before any await: the DataTransfer empties once the drop handler yields.
    const entries: FileSystemEntry[] = [];
    for (let i = 0; i < transfer.items.length; i++) {
      const entry = transfer.items[i]!.webkitGetAsEntry();
      if (entry) entries.push(entry);
    }
    for (const entry of entries) await visit(entry, '');
    return out;
  }

  /** Every file path, sorted. */
  paths(): string[] {
    return [...this.contents.keys()].sort();
  }

  put(path: string, content: DroppedContent): void {
    const p = key(path);
    this.contents.set(p, typeof content === 'string' ? encoder.encode(content) : content);
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) this.folders.add(p.slice(0, i));
  }

  private content(path: string): Blob | Uint8Array {
    const found = this.contents.get(key(path));
    if (found) return found;
    if (this.folders.has(key(path))) throw new DetkitError('is a folder, not a file', { file: path });
    throw missing(path);
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const c = this.content(path);
    return c instanceof Uint8Array ? c.slice() : new Uint8Array(await c.arrayBuffer());
  }

  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBytes(path));
  }

  async readHead(path: string, length: number): Promise<Uint8Array> {
    const c = this.content(path);
    return c instanceof Uint8Array ? c.slice(0, length) : new Uint8Array(await c.slice(0, length).arrayBuffer());
  }

  async *readChunks(path: string): AsyncIterable<Uint8Array> {
    const c = this.content(path);
    const size = c instanceof Uint8Array ? c.length : c.size;
    for (let at = 0; at < size; at += CHUNK) {
      yield c instanceof Uint8Array
        ? c.slice(at, at + CHUNK)
        : new Uint8Array(await c.slice(at, at + CHUNK).arrayBuffer());
    }
  }

  async *readLines(path: string): AsyncIterable<string> {
    const decoder = new TextDecoder();
    let rest = '';
    for await (const chunk of this.readChunks(path)) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop()!;
      for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    rest += decoder.decode();
    if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  }

  async stat(path: string): Promise<FileStat | null> {
    const p = key(path);
    const c = this.contents.get(p);
    if (c) return { isDirectory: false, size: c instanceof Uint8Array ? c.length : c.size };
    return this.folders.has(p) ? { isDirectory: true, size: 0 } : null;
  }

  async list(dir: string): Promise<FileEntry[]> {
    const d = key(dir);
    if (!this.folders.has(d))
      throw this.contents.has(d) ? new DetkitError('is a file, not a folder', { file: dir }) : missing(dir);
    const prefix = d ? `${d}/` : '';
    const names = new Map<string, boolean>();
    const child = (p: string) =>
      p.startsWith(prefix) && p !== d && !p.slice(prefix.length).includes('/') ? p.slice(prefix.length) : undefined;
    for (const p of this.contents.keys()) {
      const name = child(p);
      if (name !== undefined) names.set(name, false);
    }
    for (const f of this.folders) {
      const name = child(f);
      if (name !== undefined) names.set(name, true);
    }
    return [...names]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, isDirectory]) => ({ name, isDirectory }));
  }

  async writeText(path: string, text: string): Promise<void> {
    this.put(path, text);
  }

  async writeBytes(path: string, bytes: Uint8Array): Promise<void> {
    this.put(path, bytes.slice());
  }

  async openWriter(path: string): Promise<ByteSink> {
    const parts: Uint8Array[] = [];
    return {
      write: async (chunk) => {
        parts.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk.slice());
      },
      close: async () => {
        this.put(path, new Blob(parts as Uint8Array<ArrayBuffer>[]));
      },
    };
  }

  async copyFile(from: string, to: string): Promise<void> {
    this.put(to, this.content(from));
  }

  async mkdir(path: string): Promise<void> {
    const p = key(path);
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) this.folders.add(p.slice(0, i));
    this.folders.add(p);
  }
}
