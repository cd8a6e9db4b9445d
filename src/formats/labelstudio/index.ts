/**
 * Label Studio JSON export: an array of tasks `{ id, data: { image }, annotations: [{ result }] }`
 * with `rectanglelabels` and `polygonlabels` results.
 *
 * - Values are PERCENT of the image (0..100): x = value.x / 100 × original_width, and so on.
 * - `value.rotation` turns the rectangle clockwise (degrees) about its TOP-LEFT corner
 *   (value.x, value.y). detkit keeps the axis-aligned extent as the box, and `rotation` plus
 *   `unrotated_box` (about the centre, shared with CVAT; see shared/values.ts) as attributes, so
 *   Label Studio → Label Studio writes the same rectangle back.
 * - The first annotation of a task that was not cancelled is read; predictions are not.
 * - `data.image` (`/data/upload/3/abc.jpg`, `/data/local-files/?d=dir/a.jpg`, URLs) gives the
 *   image file; the original value is kept in the image's `extra.url` and written back.
 */
import { Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, dirname, extname, joinPath } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { imagePath } from '../images.js';
import type { LossReport } from '../loss.js';
import {
  CategoryNames,
  jsonNumber,
  jsonRootLine,
  parseJson,
  polygonExtent,
  rotatedExtent,
  rotatePoint,
  sizeImagesFromHeaders,
  snap,
} from '../shared/values.js';

type Json = Record<string, unknown>;
type Box = [number, number, number, number];

const capabilities = holds({
  boxes: true,
  polygons: true,
  attributes: ['rotation', 'unrotated_box'],
  negatives: true,
  imageIds: true,
});

/**
 * The export at `path`: the file itself, or the JSON file in the folder that looks like one. When
 * reading (`only`), a folder's single JSON file is the export even if it does not look like one,
 * so its errors name it and where.
 */
async function exportFile(files: FileAccess, path: string, only = false): Promise<string | null> {
  const stat = await files.stat(path);
  if (!stat) return null;
  if (!stat.isDirectory) return extname(path) === '.json' ? path : null;
  const jsons = (await files.list(path)).filter((e) => !e.isDirectory && extname(e.name) === '.json');
  for (const e of jsons) {
    const file = joinPath(path, e.name);
    if (await looksLikeExport(files, file)) return file;
  }
  return only && jsons.length === 1 ? joinPath(path, jsons[0].name) : null;
}

async function looksLikeExport(files: FileAccess, file: string): Promise<boolean> {
  const head = new TextDecoder().decode(await files.readHead(file, 8192));
  // Exports often put "data" after long annotations: "from_name" is as telling and comes early.
  const tasks = /"(data|from_name)"\s*:/.test(head) && /"(annotations|predictions|result)"\s*:/.test(head);
  return /^\s*\[/.test(head) && tasks;
}

async function detect(files: FileAccess, path: string) {
  const file = await exportFile(files, path);
  if (!file || !(await looksLikeExport(files, file))) return null;
  return {
    confidence: 0.85,
    reason: `${basename(file)} is an array of tasks with data/annotations (Label Studio JSON)`,
  };
}

/** The image file a `data.image` value names. */
export function imageFileOf(url: string): string {
  const local = /^\/data\/local-files\/?\?d=(.*)$/.exec(url);
  if (local) return decodeURIComponent(local[1]);
  const upload = /^\/data\/upload\/\d+\/(.*)$/.exec(url);
  if (upload) return upload[1];
  const remote = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/([^?#]*)/i.exec(url);
  if (remote) return basename(decodeURIComponent(remote[1]));
  return url;
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const file = await exportFile(files, path, true);
  if (!file) throw new DetkitError('no Label Studio JSON export here', { file: path });
  const text = await files.readText(file);
  const tasks = parseJson(text, file);
  if (!Array.isArray(tasks)) {
    throw new DetkitError(`expected a JSON array of tasks, got ${tasks === null ? 'null' : typeof tasks}`, {
      file,
      line: jsonRootLine(text),
    });
  }
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'labelstudio', imageRoot: dirname(file) };
  const names = new CategoryNames(dataset);
  const warn = options.warn ?? (() => {});
  const usedIds = new Set<number>();
  const skipped = new Map<string, number>();
  tasks.forEach((task: Json, k: number) => {
    const record = `[${k}]`;
    const data = task?.data as Json | undefined;
    const url = data?.image;
    if (typeof url !== 'string') throw new DetkitError('missing data.image', { file, record: `${record}.data.image` });
    const taskId = task.id;
    const id = Number.isInteger(taskId) && !usedIds.has(taskId as number) ? (taskId as number) : k + 1;
    usedIds.add(id);
    const image: ImageRecord = dataset.addImage({ id, file: imageFileOf(url), width: 0, height: 0 });
    if (image.file !== url) image.extra = { url };
    const annotations = (Array.isArray(task.annotations) ? task.annotations : []) as Json[];
    const chosen = annotations.findIndex((a) => a?.was_cancelled !== true);
    if (chosen < 0) return;
    const annotation = annotations[chosen];
    if (typeof annotation !== 'object' || annotation === null) {
      const at = `${record}.annotations[${chosen}]`;
      throw new DetkitError(`an annotation is an object, got ${JSON.stringify(annotation)}`, { file, record: at });
    }
    if (annotations.length > 1) {
      warn(`${file} ${record}: ${annotations.length} annotations; annotations[${chosen}] is read`);
    }
    const results = annotation.result;
    if (!Array.isArray(results)) {
      throw new DetkitError('"result" is not a list', { file, record: `${record}.annotations[${chosen}].result` });
    }
    results.forEach((r: Json, j: number) => {
      const at = `${record}.annotations[${chosen}].result[${j}]`;
      const type = String(r?.type);
      if (type !== 'rectanglelabels' && type !== 'polygonlabels') {
        skipped.set(type, (skipped.get(type) ?? 0) + 1);
        return;
      }
      readResult(dataset, names, image, r, type, { file, record: at });
    });
  });
  for (const [type, count] of skipped) warn(`labelstudio: ${count} "${type}" results skipped`);
  // Results carry the image size; images without results are sized from their files when present.
  const unsized = [];
  for (const image of dataset.images) {
    if (image.width > 0) continue;
    if (await files.stat(imagePath(dataset, image))) unsized.push(image);
    else warn(`labelstudio: ${image.file} has no results and no local file; its size is unknown (0×0)`);
  }
  await sizeImagesFromHeaders(dataset, unsized, files);
  return dataset;
}

function readResult(
  dataset: Dataset,
  names: CategoryNames,
  image: ImageRecord,
  r: Json,
  type: 'rectanglelabels' | 'polygonlabels',
  where: { file: string; record: string },
): void {
  const value = r.value as Json | undefined;
  if (!value || typeof value !== 'object') throw new DetkitError('missing value', where);
  const W = jsonNumber(r.original_width, where, 'original_width');
  const H = jsonNumber(r.original_height, where, 'original_height');
  image.width = W;
  image.height = H;
  const labels = value[type];
  if (!Array.isArray(labels) || typeof labels[0] !== 'string') {
    throw new DetkitError('missing label', { ...where, field: `value.${type}` });
  }
  const categoryId = names.id(labels[0]);
  const num = (key: string) => jsonNumber(value[key], where, `value.${key}`);
  const t = dataset.annotations;
  if (type === 'polygonlabels') {
    if (!Array.isArray(value.points)) throw new DetkitError('missing points', { ...where, field: 'value.points' });
    const flat: number[] = [];
    value.points.forEach((p: unknown, i: number) => {
      const field = { ...where, field: `value.points[${i}]` };
      if (!Array.isArray(p) || p.length !== 2) throw new DetkitError('a point is [x, y]', field);
      flat.push(snap((jsonNumber(p[0], field) / 100) * W), snap((jsonNumber(p[1], field) / 100) * H));
    });
    const row = t.addBox(image.id, categoryId, ...polygonExtent([flat]));
    t.segmentations.set(row, [flat]);
    return;
  }
  const box: Box = [
    snap((num('x') / 100) * W),
    snap((num('y') / 100) * H),
    snap((num('width') / 100) * W),
    snap((num('height') / 100) * H),
  ];
  const rotation = value.rotation === undefined ? 0 : num('rotation');
  if (rotation === 0) {
    t.addBox(image.id, categoryId, ...box);
    return;
  }
  const row = t.addBox(image.id, categoryId, ...rotatedExtent(box, rotation, box[0], box[1]));
  t.attributes.set(row, { rotation, unrotated_box: aboutCentre(box, rotation) });
}

/** Top-left-pivot rotation → the same rectangle as a box rotated about its centre. */
function aboutCentre([x, y, w, h]: Box, degrees: number): Box {
  const [cx, cy] = rotatePoint(x + w / 2, y + h / 2, x, y, degrees);
  return [snap(cx - w / 2), snap(cy - h / 2), w, h];
}

/** The inverse: the top-left corner Label Studio rotates about. */
function aboutTopLeft([x, y, w, h]: Box, degrees: number): Box {
  const [cx, cy] = [x + w / 2, y + h / 2];
  const [dx, dy] = rotatePoint(w / 2, h / 2, 0, 0, degrees);
  return [snap(cx - dx), snap(cy - dy), w, h];
}

const pct = (v: number, size: number) => snap((v / size) * 100);

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  _options: WriteOptions = {},
): Promise<WriteResult> {
  const file = extname(path) === '.json' ? path : joinPath(path, 'labelstudio.json');
  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  let unrotatedCount = 0;
  let extraRings = 0;
  const tasks = dataset.images.map((image, k) => {
    const W = image.width;
    const H = image.height;
    const result = Array.from(order.subarray(offsets[k], offsets[k + 1]), (row) => {
      const label = names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]);
      const id = String(t.ids[row]);
      const seg = t.segmentations.get(row);
      if (Array.isArray(seg) && seg.length > 0) {
        extraRings += seg.length - 1;
        const points: number[][] = [];
        for (let i = 0; i + 1 < seg[0].length; i += 2) points.push([pct(seg[0][i], W), pct(seg[0][i + 1], H)]);
        const value = { points, closed: true, polygonlabels: [label] };
        const type = 'polygonlabels';
        return {
          id,
          from_name: 'polygon',
          to_name: 'image',
          type,
          original_width: W,
          original_height: H,
          image_rotation: 0,
          value,
        };
      }
      let box: Box = t.bbox(row);
      let rotation = 0;
      const a = t.attributes.get(row);
      if (a && typeof a.rotation === 'number' && Array.isArray(a.unrotated_box)) {
        const centred = a.unrotated_box as Box;
        const extent = rotatedExtent(centred, a.rotation, centred[0] + centred[2] / 2, centred[1] + centred[3] / 2);
        if (extent.every((v, i) => Math.abs(v - box[i]) <= 1e-6 * Math.max(1, Math.abs(v)))) {
          box = aboutTopLeft(centred, a.rotation);
          rotation = a.rotation;
        } else unrotatedCount++;
      }
      const value = {
        x: pct(box[0], W),
        y: pct(box[1], H),
        width: pct(box[2], W),
        height: pct(box[3], H),
        rotation,
        rectanglelabels: [label],
      };
      const type = 'rectanglelabels';
      return {
        id,
        from_name: 'label',
        to_name: 'image',
        type,
        original_width: W,
        original_height: H,
        image_rotation: 0,
        value,
      };
    });
    const url = typeof image.extra?.url === 'string' ? image.extra.url : image.file;
    return { id: image.id, data: { image: url }, annotations: [{ id: k + 1, result }] };
  });
  await files.writeText(file, `${JSON.stringify(tasks, null, 2)}\n`);
  const loss: LossReport = [];
  if (unrotatedCount) {
    loss.push({
      what: 'rotation',
      count: unrotatedCount,
      message: 'rotations of boxes changed since they were read (written unrotated)',
    });
  }
  if (extraRings) {
    loss.push({ what: 'polygon-parts', count: extraRings, message: 'second and later parts of multi-part polygons' });
  }
  return { files: [file], loss };
}

export const labelstudio: DatasetFormat = {
  name: 'labelstudio',
  description: 'Label Studio JSON export (rectanglelabels / polygonlabels in percent, rotation kept)',
  capabilities,
  detect,
  read,
  write,
};
