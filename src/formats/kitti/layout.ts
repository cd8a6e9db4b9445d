/** Where a KITTI set keeps its files: `label_2/<frame>.txt` beside `image_2/<frame>.png`. */
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, dirname, extname, isImagePath, joinPath, stem } from '../../core/paths.js';

/** The folder holding `label_2` (and `image_2`): the path, its `training/`, or label_2's parent. */
export async function kittiRoot(files: FileAccess, path: string): Promise<string | null> {
  const stat = await files.stat(path);
  if (!stat?.isDirectory) return null;
  if (basename(path) === 'label_2') return dirname(path);
  for (const candidate of [path, joinPath(path, 'training')]) {
    if ((await files.stat(joinPath(candidate, 'label_2')))?.isDirectory) return candidate;
  }
  return null;
}

export async function labelFiles(files: FileAccess, root: string): Promise<string[]> {
  const entries = await files.list(joinPath(root, 'label_2'));
  return entries.filter((e) => !e.isDirectory && extname(e.name) === '.txt').map((e) => e.name);
}

export interface KittiFrames {
  root: string;
  imageDir: string;
  /** Label file names in read order; frame k is image id k + 1. */
  labels: string[];
  imageByStem: Map<string, string>;
}

/** The label files and images of the set at `path`; errors when either folder is missing. */
export async function kittiFrames(files: FileAccess, path: string): Promise<KittiFrames> {
  const root = await kittiRoot(files, path);
  if (!root) throw new DetkitError('no KITTI label_2 folder here (nor under training/)', { file: path });
  const imageDir = joinPath(root, 'image_2');
  if (!(await files.stat(imageDir))?.isDirectory) {
    throw new DetkitError('no image_2 folder beside label_2: KITTI labels carry no image size', { file: root });
  }
  const imageByStem = new Map<string, string>();
  for (const e of await files.list(imageDir))
    if (!e.isDirectory && isImagePath(e.name)) imageByStem.set(stem(e.name), e.name);
  return { root, imageDir, labels: await labelFiles(files, root), imageByStem };
}

/** A label file's lines (a frame is a few hundred bytes: read whole, not streamed). */
export async function frameLines(files: FileAccess, frames: KittiFrames, name: string): Promise<string[]> {
  return (await files.readText(labelPath(frames, name))).split(/\r?\n/);
}

export function labelPath(frames: KittiFrames, name: string): string {
  return joinPath(frames.root, 'label_2', name);
}

/** The image file of a label file, or an error naming both. */
export function frameImage(frames: KittiFrames, name: string): string {
  const imageFile = frames.imageByStem.get(stem(name));
  if (!imageFile) {
    throw new DetkitError(`no image ${stem(name)}.png in ${frames.imageDir}`, { file: labelPath(frames, name) });
  }
  return imageFile;
}
