/**
 * Label Studio JSON export: an array of tasks `{ id, data: { image }, annotations: [{ result }] }`
 * with `rectanglelabels` and `polygonlabels` results.
 *
 * - Values are PERCENT of the image (0..100): x = value.x / 100 × original_width, and so on.
 * - `value.rotation` turns the rectangle clockwise (degrees) about its TOP-LEFT corner
 *   (value.x, value.y). detkit keeps the axis-aligned extent as the box, and `rotation` plus
 *   `unrotated_box` (about the centre, shared with CVAT; see shared/values.ts) as attributes, so
 *   Label Studio → Label Studio writes the same rectangle back.
 * - The first annotation of a task that was not cancelled is read. Predictions
 *   (`predictions: [{model_version, score, result}]`) are read instead — as scored annotations,
 *   so `detkit eval --pred` takes them — with the `predictions: true` read option, or when no
 *   task has an annotation but some have predictions. A region's score is its own `score`, else
 *   the prediction's; `modelVersion` picks among several predictions (else the first).
 * - Writing: unscored rows go to `annotations`, scored rows to `predictions` (with `score` on
 *   each region, and the `model_version` / prediction `score` read, kept in the image's extra).
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
import { CategoryNames, jsonNumber, jsonRootLine, parseJson, sizeImagesFromHeaders } from '../shared/values.js';
import { type Json, type ResultLoss, readResult, writeResult } from './results.js';

const capabilities = holds({
  boxes: true,
  polygons: true,
  scores: true,
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

/**
 * Whether the tasks' predictions are read rather than their annotations: as `option` says, else
 * when no task has an annotation and some have predictions (an export of pre-annotations).
 */
function readsPredictions(tasks: Json[], option: unknown): boolean {
  if (typeof option === 'boolean') return option;
  const has = (task: Json, key: string) => Array.isArray(task?.[key]) && (task[key] as unknown[]).length > 0;
  return !tasks.some((task) => has(task, 'annotations')) && tasks.some((task) => has(task, 'predictions'));
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
  const predictions = readsPredictions(tasks, options.predictions);
  const modelVersion = typeof options.modelVersion === 'string' ? options.modelVersion : undefined;
  let unscored = 0;
  let unread = 0;
  let picks = 0;
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
    const key = predictions ? 'predictions' : 'annotations';
    const list = (Array.isArray(task[key]) ? task[key] : []) as Json[];
    if (!predictions && Array.isArray(task.predictions) && task.predictions.length > 0) unread++;
    const chosen = predictions
      ? list.findIndex((p) => modelVersion === undefined || p?.model_version === modelVersion)
      : list.findIndex((a) => a?.was_cancelled !== true);
    if (chosen < 0) return;
    picks++;
    const at = `${record}.${key}[${chosen}]`;
    const picked = list[chosen];
    if (typeof picked !== 'object' || picked === null) {
      const what = predictions ? 'a prediction' : 'an annotation';
      throw new DetkitError(`${what} is an object, got ${JSON.stringify(picked)}`, { file, record: at });
    }
    if (list.length > 1) warn(`${file} ${record}: ${list.length} ${key}; ${key}[${chosen}] is read`);
    let score = Number.NaN;
    if (predictions) {
      if (picked.model_version !== undefined) image.extra = { ...image.extra, model_version: picked.model_version };
      if (picked.score !== undefined && picked.score !== null) {
        score = jsonNumber(picked.score, { file, record: at }, 'score');
        image.extra = { ...image.extra, prediction_score: score };
      }
    }
    const results = picked.result;
    if (!Array.isArray(results)) throw new DetkitError('"result" is not a list', { file, record: `${at}.result` });
    results.forEach((r: Json, j: number) => {
      const where = { file, record: `${at}.result[${j}]` };
      const type = String(r?.type);
      if (type !== 'rectanglelabels' && type !== 'polygonlabels') {
        skipped.set(type, (skipped.get(type) ?? 0) + 1);
        return;
      }
      let regionScore = Number.NaN;
      if (predictions) {
        regionScore = r.score === undefined || r.score === null ? score : jsonNumber(r.score, where, 'score');
        if (Number.isNaN(regionScore)) {
          unscored++;
          regionScore = 1;
        }
      }
      readResult(dataset, names, image, r, type, where, regionScore);
    });
  });
  if (modelVersion !== undefined && picks === 0) warn(`labelstudio: no prediction has model_version "${modelVersion}"`);
  if (unscored)
    warn(
      `labelstudio: ${unscored} predicted regions have no score (neither theirs nor their prediction's); read with score 1`,
    );
  if (unread)
    warn(
      `labelstudio: the predictions of ${unread} tasks were not read (the read option predictions: true reads them instead of annotations)`,
    );
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

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const file = extname(path) === '.json' ? path : joinPath(path, 'labelstudio.json');
  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  const loss: ResultLoss = { unrotated: 0, extraRings: 0 };
  let scored = 0;
  for (let row = 0; row < t.length; row++) if (t.hasScore(row)) scored++;
  // Annotations unless every row is a prediction; predictions when any is (every task gets one,
  // empty when the model found nothing there: that is a result too).
  const withAnnotations = scored < t.length || t.length === 0;
  const modelVersion = typeof options.modelVersion === 'string' ? options.modelVersion : undefined;
  const tasks = dataset.images.map((image, k) => {
    const rows = order.subarray(offsets[k], offsets[k + 1]);
    const region = (row: number) => writeResult(t, row, names, image.width, image.height, loss);
    const url = typeof image.extra?.url === 'string' ? image.extra.url : image.file;
    const task: Json = { id: image.id, data: { image: url } };
    if (withAnnotations) {
      task.annotations = [
        {
          id: k + 1,
          result: Array.from(
            rows.filter((r) => !t.hasScore(r)),
            region,
          ),
        },
      ];
    }
    if (scored > 0) {
      const version = image.extra?.model_version ?? modelVersion;
      const score = image.extra?.prediction_score;
      task.predictions = [
        {
          ...(version === undefined ? {} : { model_version: version }),
          ...(typeof score === 'number' ? { score } : {}),
          result: Array.from(
            rows.filter((r) => t.hasScore(r)),
            region,
          ),
        },
      ];
    }
    return task;
  });
  await files.writeText(file, `${JSON.stringify(tasks, null, 2)}\n`);
  const report: LossReport = [];
  if (loss.unrotated) {
    report.push({
      what: 'rotation',
      count: loss.unrotated,
      message: 'rotations of boxes changed since they were read (written unrotated)',
    });
  }
  if (loss.extraRings) {
    report.push({
      what: 'polygon-parts',
      count: loss.extraRings,
      message: 'second and later parts of multi-part polygons',
    });
  }
  return { files: [file], loss: report };
}

export const labelstudio: DatasetFormat = {
  name: 'labelstudio',
  description:
    'Label Studio JSON export (rectanglelabels / polygonlabels in percent, rotation kept; predictions with scores)',
  capabilities,
  detect,
  read,
  write,
};
