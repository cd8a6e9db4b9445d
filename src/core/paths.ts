/**
 * POSIX-style path helpers for the environment-free core. Formats name files with '/'
 * separators relative to a dataset root; the Node edge maps them onto the real file system.
 */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return normalizePath(joined);
}

/** True when `path` has no empty, '.' or '..' segment and no trailing '/': already normal. */
function isNormal(path: string): boolean {
  const n = path.length;
  if (n > 1 && path.charCodeAt(n - 1) === 47) return false;
  let segmentStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && path.charCodeAt(i) !== 47) continue;
    const length = i - segmentStart;
    // An empty segment is fine only as the leading '/' of an absolute path.
    if (length === 0 && !(i === 0 && n > 1)) return false;
    if (length === 1 && path.charCodeAt(segmentStart) === 46) return false;
    if (length === 2 && path.charCodeAt(segmentStart) === 46 && path.charCodeAt(segmentStart + 1) === 46) return false;
    segmentStart = i + 1;
  }
  return true;
}

export function normalizePath(path: string): string {
  if (path === '') return '.';
  // Most paths are already normal (joined from normal parts): checking is cheaper than rebuilding.
  if (isNormal(path)) return path;
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (segment === '..' && absolute) continue;
    else out.push(segment);
  }
  const body = out.join('/');
  return absolute ? `/${body}` : body || '.';
}

export function dirname(path: string): string {
  const n = normalizePath(path);
  const i = n.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return n.slice(0, i);
}

export function basename(path: string, ext?: string): string {
  const n = normalizePath(path);
  const base = n.slice(n.lastIndexOf('/') + 1);
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

/** Extension including the dot, lower-cased ('' when none). */
export function extname(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i).toLowerCase();
}

export function stem(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf('.');
  return i <= 0 ? base : base.slice(0, i);
}

/** `path` relative to `from` (both normalised, same kind: absolute or relative). */
export function relativePath(from: string, path: string): string {
  // '.' (the current folder) has no segments: relative to '.', 'a/b' is 'a/b', not '../a/b'.
  const segments = (p: string) =>
    normalizePath(p)
      .split('/')
      .filter((s) => s !== '' && s !== '.');
  const a = segments(from);
  const b = segments(path);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  return [...up, ...b.slice(i)].join('/') || '.';
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/');
}

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.gif']);

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path));
}
