/**
 * Which images a `predict` run covers: files and folders (searched recursively) on the command
 * line, or the images of a COCO dataset JSON.
 */
import { promises as fsp } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DetkitError } from '../core/errors.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp'];

export interface ImageJob {
  id: number;
  path: string;
  /** Name written to the `images` listing: relative to the folder given, or as given. */
  fileName: string;
}

const isImage = (name: string) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (isImage(entry.name)) out.push(path);
  }
  return out;
}

/** Image ids 1..N in sorted path order (by code point, the same on every machine). */
export async function imagesFromPaths(inputs: string[]): Promise<ImageJob[]> {
  const found: { path: string; fileName: string }[] = [];
  for (const input of inputs) {
    const stat = await fsp.stat(input).catch(() => null);
    if (!stat) throw new DetkitError('no such file or folder', { file: input });
    if (stat.isDirectory()) {
      for (const path of await walk(input)) found.push({ path, fileName: relative(input, path).split('\\').join('/') });
    } else {
      found.push({ path: input, fileName: input.split('\\').join('/') });
    }
  }
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return found.map((f, i) => ({ id: i + 1, ...f }));
}

export interface DatasetImages {
  jobs: ImageJob[];
  categories: { id: number; name: string }[];
}

/** The images of a COCO dataset JSON, ids as the dataset gives them; files under `imagesRoot` (default: the JSON's folder). */
export async function imagesFromCocoDataset(datasetPath: string, imagesRoot?: string): Promise<DatasetImages> {
  let json: { images?: unknown; categories?: unknown };
  try {
    json = JSON.parse(await fsp.readFile(datasetPath, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DetkitError(code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`, {
      file: datasetPath,
    });
  }
  if (!Array.isArray(json.images)) {
    throw new DetkitError('not a COCO dataset: no "images" array', { file: datasetPath, field: 'images' });
  }
  const root = imagesRoot ?? dirname(datasetPath);
  const jobs = json.images.map((image: { id?: unknown; file_name?: unknown }, i: number) => {
    if (typeof image?.id !== 'number' || typeof image.file_name !== 'string') {
      throw new DetkitError('an image needs a numeric "id" and a string "file_name"', {
        file: datasetPath,
        record: `images[${i}]`,
      });
    }
    return { id: image.id, path: join(root, image.file_name), fileName: image.file_name };
  });
  const categories = Array.isArray(json.categories)
    ? (json.categories as { id: number; name: string }[]).filter((c) => typeof c?.id === 'number')
    : [];
  return { jobs, categories };
}
