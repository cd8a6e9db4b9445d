/**
 * The file system as the environment-free core sees it. Formats read and write through this
 * interface only; `io/node-files.ts` implements it on node:fs, and a browser page can implement
 * it over dropped files. Paths use '/' separators.
 */
export interface FileEntry {
  name: string;
  isDirectory: boolean;
}

export interface FileStat {
  isDirectory: boolean;
  size: number;
}

export interface ByteSink {
  write(chunk: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** One file of a batch write. */
export interface FileContent {
  path: string;
  data: string | Uint8Array;
}

export interface FileAccess {
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
  /** The first `length` bytes (fewer if the file is shorter): enough for an image header. */
  readHead(path: string, length: number): Promise<Uint8Array>;
  /** Lines without their terminators ('\n' or '\r\n'), streamed. */
  readLines(path: string): AsyncIterable<string>;
  /** Bytes streamed in chunks (for record framings such as TFRecord). */
  readChunks(path: string): AsyncIterable<Uint8Array>;
  stat(path: string): Promise<FileStat | null>;
  /** Entries sorted by name, so every reader sees the same order on every machine. */
  list(dir: string): Promise<FileEntry[]>;
  writeText(path: string, text: string): Promise<void>;
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
  /**
   * Optional: many small files at once (label files, XMLs), creating parent folders — where one
   * call per file costs more than the write itself. `writeFiles` below falls back to writeText.
   */
  writeMany?(entries: readonly FileContent[]): Promise<void>;
  /** A streamed writer, creating parent folders. */
  openWriter(path: string): Promise<ByteSink>;
  /** Copy a file (e.g. an image into a converted dataset); link where the platform can. */
  copyFile(from: string, to: string): Promise<void>;
  /** Optional: `copyFile` for many files at once (5,000 images linked into a converted dataset). */
  copyMany?(pairs: readonly { from: string; to: string }[]): Promise<void>;
  mkdir(path: string): Promise<void>;
}

/** How many files a batch write holds: big enough to amortise a call, small enough to stream. */
const BATCH_FILES = 512;

/**
 * Writes `count` files, asking `entry(k)` for each as its batch comes (so their text need not
 * all be held at once), through `writeMany` when the FileAccess has it.
 */
export async function writeFiles(
  files: FileAccess,
  count: number,
  entry: (k: number) => FileContent,
  progress?: (done: number, total: number) => void,
): Promise<void> {
  for (let first = 0; first < count; first += BATCH_FILES) {
    const batch: FileContent[] = [];
    for (let k = first; k < Math.min(count, first + BATCH_FILES); k++) batch.push(entry(k));
    if (files.writeMany) await files.writeMany(batch);
    else
      await Promise.all(
        batch.map((e) =>
          typeof e.data === 'string' ? files.writeText(e.path, e.data) : files.writeBytes(e.path, e.data),
        ),
      );
    progress?.(first + batch.length, count);
  }
}

export async function exists(files: FileAccess, path: string): Promise<boolean> {
  return (await files.stat(path)) !== null;
}

export async function isDirectory(files: FileAccess, path: string): Promise<boolean> {
  return (await files.stat(path))?.isDirectory ?? false;
}

/** Recursively lists files under `dir` (relative paths, sorted), optionally filtered. */
export async function walkFiles(
  files: FileAccess,
  dir: string,
  keep: (relativePath: string) => boolean = () => true,
): Promise<string[]> {
  const out: string[] = [];
  async function visit(rel: string): Promise<void> {
    const full = rel ? `${dir}/${rel}` : dir;
    for (const entry of await files.list(full)) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await visit(child);
      else if (keep(child)) out.push(child);
    }
  }
  await visit('');
  return out;
}
