/**
 * YOLO reader: data.yaml → image lists per split → label file per image (Ultralytics' rule:
 * the last `/images/` of the image path becomes `/labels/`, the extension `.txt`). Images with
 * no label file or an empty one are negatives and are kept. Image sizes come from the image
 * headers, read concurrently; pixels are never decoded.
 *
 * Class k is category names[k], with id k — unless the `categories` read option lists known
 * categories: then class k takes the known category named names[k] (see category-map.ts), so
 * a COCO→YOLO→COCO round trip gets COCO's ids back. Image ids are 1..N in read order, or
 * those of the `images` option's records with the same file name.
 *
 * The `imageRoot` option reads a YOLO folder whose images are elsewhere (written without
 * copying them): the label files are listed and each is paired with its image there.
 */
import { Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { type FileAccess, walkFiles } from '../core/files.js';
import { readImageSize } from '../core/image-size.js';
import { dirname, extname, isAbsolutePath, isImagePath, joinPath, relativePath } from '../core/paths.js';
import { FILE_CONCURRENCY, mapPool } from '../core/pool.js';
import { CategoryNames, imageIdsFor, knownCategories } from './category-map.js';
import type { ReadOptions } from './format.js';
import { parseYoloLabels, polygonBounds, type YoloLabelSink } from './yolo-lines.js';
import { findDataYaml, parseDataYaml, type YoloConfig, type YoloSource } from './yolo-yaml.js';

/** Ultralytics' img2label_paths: replace the last `/images/` with `/labels/`, the extension with `.txt`. */
export function labelPathFor(imagePath: string): string {
  const slashed = imagePath.startsWith('/') ? imagePath : `/${imagePath}`;
  const i = slashed.lastIndexOf('/images/');
  let label = i < 0 ? slashed : `${slashed.slice(0, i)}/labels/${slashed.slice(i + 8)}`;
  const dot = label.lastIndexOf('.');
  if (dot > label.lastIndexOf('/')) label = label.slice(0, dot);
  label += '.txt';
  return imagePath.startsWith('/') ? label : label.slice(1);
}

interface Listed {
  /** Where the image is. */
  path: string;
  /** Its label file, when the label files drive the read (the `imageRoot` option); else derived from `path`. */
  label?: string;
  /** The same, relative to the dataset root (ImageRecord.file). */
  file: string;
  split: string | undefined;
  /** The list line (or data.yaml entry) naming the image, for messages; unset for folder scans. */
  listedAt?: { file: string; line?: number };
  /** For images of a `.txt` list: the data.yaml entry naming the list (it may be the mistake). */
  listedVia?: string;
}

/** `path` relative to the dataset root when both are of one kind, else as given. */
function fileFor(root: string, path: string): string {
  return isAbsolutePath(path) === isAbsolutePath(root) ? relativePath(root, path) : path;
}

/** Images of one split source: a folder (searched recursively) or a `.txt` list. */
async function imagesOf(files: FileAccess, entry: YoloSource, config: YoloConfig, split: string): Promise<Listed[]> {
  let source = entry.path;
  let stat = await files.stat(source);
  if (!stat && entry.orElse) {
    source = entry.orElse;
    stat = await files.stat(source);
  }
  if (!stat) {
    throw new DetkitError(`split source ${entry.path} does not exist`, {
      file: config.yamlFile,
      line: entry.line,
      field: split,
    });
  }
  if (stat.isDirectory) {
    // One relative prefix per folder rather than path arithmetic per image (5,000 images).
    const prefix = fileFor(config.root, source);
    return (await walkFiles(files, source, isImagePath)).map((rel) => ({
      path: `${source}/${rel}`,
      file: prefix === '.' ? rel : `${prefix}/${rel}`,
      split,
    }));
  }
  const listed: Listed[] = [];
  if (extname(source) !== '.txt') {
    listed.push({
      path: source,
      file: fileFor(config.root, source),
      split,
      listedAt: { file: config.yamlFile, line: entry.line },
    });
  } else {
    // List entries resolve against the list's folder (Ultralytics does so for './' entries).
    const here = dirname(source);
    const listedVia = `the "${split}" list of ${config.yamlFile}${entry.line ? `:${entry.line}` : ''}`;
    (await files.readText(source)).split('\n').forEach((raw, k) => {
      const line = raw.trim();
      if (!line) return;
      const path = isAbsolutePath(line) ? line : joinPath(here, line);
      listed.push({
        path,
        file: fileFor(config.root, path),
        split,
        listedAt: { file: source, line: k + 1 },
        listedVia,
      });
    });
  }
  return listed;
}

/** Every image once, in split order; an image listed under two splits has no split. */
async function listImages(files: FileAccess, config: YoloConfig): Promise<Listed[]> {
  const byPath = new Map<string, Listed>();
  for (const { split, sources } of config.splits) {
    for (const source of sources) {
      for (const listed of await imagesOf(files, source, config, split)) {
        const seen = byPath.get(listed.path);
        if (!seen) byPath.set(listed.path, listed);
        else if (seen.split !== split) seen.split = undefined;
      }
    }
  }
  return [...byPath.values()];
}

/** The labels folder Ultralytics pairs with an image folder: the last `/images` becomes `/labels`. */
function labelDirFor(imageDir: string): string {
  return dirname(labelPathFor(`${imageDir}/x.jpg`));
}

/**
 * The `imageRoot` option: the images are elsewhere (a YOLO output written without copying
 * them), so the label files drive the read, as in globox. Each `labels/<sub>/<name>.txt` takes
 * the image under `imageRoot` at `<split folder>/<sub>/<name>.*`, else `<sub>/<name>.*`, else
 * the one image named `<name>.*`. Images without a label file are not seen.
 */
async function imagesFromLabels(files: FileAccess, config: YoloConfig, imageRoot: string): Promise<Listed[]> {
  const byPath = new Map<string, string>();
  const byName = new Map<string, string | null>();
  for (const rel of await walkFiles(files, imageRoot, isImagePath)) {
    const key = rel.slice(0, rel.lastIndexOf('.'));
    byPath.set(key, rel);
    const name = key.slice(key.lastIndexOf('/') + 1);
    byName.set(name, byName.has(name) ? null : rel);
  }
  const imagesDir = joinPath(config.root, 'images');
  const byLabel = new Map<string, Listed>();
  for (const { split, sources } of config.splits) {
    for (const source of sources) {
      if (extname(source.path) === '.txt') continue;
      const labelDir = labelDirFor(source.path);
      if (!(await files.stat(labelDir))?.isDirectory) continue;
      const under = relativePath(imagesDir, source.path);
      const prefix = under === '.' || under.startsWith('..') ? '' : `${under}/`;
      for (const rel of await walkFiles(files, labelDir, (p) => p.endsWith('.txt'))) {
        const label = `${labelDir}/${rel}`;
        const seen = byLabel.get(label);
        if (seen) {
          if (seen.split !== split) seen.split = undefined;
          continue;
        }
        const key = rel.slice(0, -4);
        const file = byPath.get(prefix + key) ?? byPath.get(key) ?? byName.get(key.slice(key.lastIndexOf('/') + 1));
        if (!file) {
          throw new DetkitError(`no image for this label file under ${imageRoot} (looked for ${prefix}${key}.*)`, {
            file: label,
          });
        }
        byLabel.set(label, { path: joinPath(imageRoot, file), file, split, label });
      }
    }
  }
  return [...byLabel.values()];
}

/** Which label files exist, by listing each label folder once instead of a stat per image. */
async function existingLabels(files: FileAccess, labelPaths: string[]): Promise<Set<string>> {
  const dirs = [...new Set(labelPaths.map((p) => p.slice(0, p.lastIndexOf('/'))))];
  const found = new Set<string>();
  await mapPool(dirs, FILE_CONCURRENCY, async (dir) => {
    if (!(await files.stat(dir || '/'))?.isDirectory) return;
    for (const e of await files.list(dir || '/')) {
      if (!e.isDirectory && e.name.endsWith('.txt')) found.add(`${dir}/${e.name}`);
    }
  });
  return found;
}

export async function readYolo(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const yamlFile = await findDataYaml(files, path);
  if (!yamlFile) {
    throw new DetkitError('no data.yaml found: a YOLO dataset needs one with "names" and train/val entries', {
      file: path,
    });
  }
  const config = await parseDataYaml(await files.readText(yamlFile), yamlFile, options.task);
  if (config.splits.length === 0) {
    throw new DetkitError('no train, val or test entry: nothing says where the images are', { file: yamlFile });
  }
  const imageRoot = typeof options.imageRoot === 'string' ? joinPath(options.imageRoot) : undefined;
  const images = imageRoot ? await imagesFromLabels(files, config, imageRoot) : await listImages(files, config);
  const labelPaths = images.map((im) => im.label ?? labelPathFor(im.path));
  const existing = imageRoot ? new Set(labelPaths) : await existingLabels(files, labelPaths);
  const orphans = existing.size - labelPaths.filter((p) => existing.has(p)).length;
  if (orphans > 0) options.warn?.(`${orphans} label files have no image next to them and were not read`);

  let done = 0;
  const loaded = await mapPool(images, FILE_CONCURRENCY, async (im, k) => {
    const labelPath = labelPaths[k];
    const [size, text] = await Promise.all([
      readImageSize(files, im.path).catch((e: unknown) => {
        // A listed image that cannot be read may be a wrong list line: name the line too.
        if (!(e instanceof DetkitError) || !im.listedAt) throw e;
        const via = im.listedVia ? ` (${im.listedVia})` : '';
        throw new DetkitError(`listed image${via}: ${e.message}`, im.listedAt);
      }),
      existing.has(labelPath) ? files.readText(labelPath) : '',
    ]);
    options.progress?.(++done, images.length);
    return { width: size.width, height: size.height, text };
  });

  const known = knownCategories(options.categories);
  let classToCategory: number[];
  let categories: Dataset['categories'];
  if (known.length > 0) {
    const names = new CategoryNames(known);
    classToCategory = config.names.map((name) => names.resolve(name, true).id);
    categories = names.categories;
  } else {
    classToCategory = config.names.map((_name, k) => k);
    categories = config.names.map((name, k) => ({ id: k, name }));
  }

  // One label a line: counting lines sizes the table once (blank lines only over-reserve).
  let lines = 0;
  for (const { text } of loaded) {
    if (text) lines++;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  }
  const dataset = new Dataset(lines);
  dataset.categories = categories;
  dataset.info = {
    sourceFormat: 'yolo',
    imageRoot: imageRoot ?? config.root,
    task: config.task === 'detect' ? 'detection' : config.task === 'segment' ? 'segmentation' : 'obb',
  };
  const t = dataset.annotations;
  const imageIds = imageIdsFor(
    images.map((im) => im.file),
    options.images,
  );
  let imageId = 0;
  const sink: YoloLabelSink = {
    box(cls, x, y, w, h) {
      t.addBox(imageId, classToCategory[cls], x, y, w, h);
    },
    polygon(cls, points) {
      const [x, y, w, h] = polygonBounds(points);
      t.segmentations.set(t.addBox(imageId, classToCategory[cls], x, y, w, h), [points]);
    },
  };
  const context = {
    namesFrom: config.yamlFile,
    taskFrom: options.task !== undefined ? 'the task option' : config.yamlFile,
  };
  images.forEach((im, k) => {
    const { width, height, text } = loaded[k];
    imageId = imageIds[k];
    const image: ImageRecord = { id: imageId, file: im.file, width, height };
    if (im.split) image.split = im.split;
    dataset.addImage(image);
    if (text) parseYoloLabels(text, labelPaths[k], config.task, config.names.length, width, height, sink, context);
  });
  return dataset;
}
