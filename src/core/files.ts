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
  /** A streamed writer, creating parent folders. */
  openWriter(path: string): Promise<ByteSink>;
  /** Copy a file (e.g. an image into a converted dataset); link where the platform can. */
  copyFile(from: string, to: string): Promise<void>;
  mkdir(path: string): Promise<void>;
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
