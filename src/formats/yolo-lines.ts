/**
 * YOLO label lines, normalised to the image: `class cx cy w h` (detect), `class x1 y1 … xn yn`
 * (segment, n ≥ 3) and `class x1 y1 … x4 y4` (obb). The task decides the shape; a 9-number line
 * is a polygon or an oriented box only by the dataset's task, never by guessing.
 *
 * Arithmetic, chosen so write→read keeps boxes to ≪ 1e-9 px:
 *   read:  w = wn·W,  h = hn·H,  x = cx·W − w/2,  y = cy·H − h/2
 *   write: cx = (x + w/2)/W,  cy = (y + h/2)/H,  wn = w/W,  hn = h/H
 * Numbers are written as JavaScript's shortest round-trip strings: no 5-decimal rounding.
 */
import { DetkitError } from '../core/errors.js';
import type { YoloTask } from './yolo-yaml.js';

/** Receives parsed labels in absolute pixels (the reader adds them straight to the table). */
export interface YoloLabelSink {
  box(cls: number, x: number, y: number, w: number, h: number): void;
  /** segment / obb: the polygon's points, flat x, y pairs. */
  polygon(cls: number, points: number[]): void;
}

function fieldsOf(line: string): string[] {
  const fields = line.split(' ');
  // The fast path covers single-space separation; anything else takes the general split.
  if (fields.includes('') || line.includes('\t')) return line.trim().split(/\s+/);
  return fields;
}

const EXPECTED: Record<YoloTask, string> = {
  detect: '5 (class cx cy w h)',
  obb: '9 (class x1 y1 x2 y2 x3 y3 x4 y4)',
  segment: 'an odd number ≥ 7 (class x1 y1 x2 y2 x3 y3 …)',
};

/** Where the class names and the task came from, for messages (a label can be right and the yaml wrong). */
export interface YoloLabelContext {
  namesFrom?: string;
  taskFrom?: string;
}

/**
 * Parses one label file's text for an image of `width`×`height` into `sink`; `file` names it
 * in errors.
 */
export function parseYoloLabels(
  text: string,
  file: string,
  task: YoloTask,
  classCount: number,
  width: number,
  height: number,
  sink: YoloLabelSink,
  context: YoloLabelContext = {},
): void {
  const taskFrom = context.taskFrom ? ` (from ${context.taskFrom})` : '';
  const namesFrom = context.namesFrom ? ` in ${context.namesFrom}` : '';
  let start = 0;
  let lineNo = 0;
  // Tabs send lines to the general split (see fieldsOf): the fast path is for files without.
  const fast = task === 'detect' && !text.includes('\t');
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const from = start;
    start = end + 1;
    lineNo++;
    if (fast) {
      const to = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (detectLine(text, from, to, classCount, width, height, sink)) continue;
    }
    let line = text.slice(from, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const fields = fieldsOf(line);
    const n = fields.length;
    if (task === 'detect' ? n !== 5 : task === 'obb' ? n !== 9 : n < 7 || n % 2 === 0) {
      throw new DetkitError(`${n} fields where the ${task} task${taskFrom} needs ${EXPECTED[task]}`, {
        file,
        line: lineNo,
      });
    }
    const cls = Number(fields[0]);
    if (!Number.isInteger(cls)) {
      throw new DetkitError(`class id "${fields[0]}" is not an integer`, { file, line: lineNo });
    }
    if (cls < 0 || cls >= classCount) {
      throw new DetkitError(
        `class id ${cls} is out of range: names${namesFrom} has ${classCount} classes (0..${classCount - 1})`,
        {
          file,
          line: lineNo,
        },
      );
    }
    const number = (i: number): number => {
      const x = Number(fields[i]);
      if (!Number.isFinite(x)) {
        throw new DetkitError(`field ${i + 1} "${fields[i]}" is not a number`, { file, line: lineNo });
      }
      return x;
    };
    if (task === 'detect') {
      const w = number(3) * width;
      const h = number(4) * height;
      sink.box(cls, number(1) * width - w / 2, number(2) * height - h / 2, w, h);
    } else {
      const points = new Array<number>(n - 1);
      for (let i = 1; i < n; i += 2) {
        points[i - 1] = number(i) * width;
        points[i] = number(i + 1) * height;
      }
      sink.polygon(cls, points);
    }
  }
}

/** `text[from, to)` as a finite number, or NaN. */
function numberIn(text: string, from: number, to: number): number {
  const x = Number(text.slice(from, to));
  return Number.isFinite(x) ? x : Number.NaN;
}

/**
 * A detect line as writers write it — five fields split by single spaces, a class in range,
 * finite numbers — read without splitting it into an array. False sends the line to the general
 * path, which reads it the same way or names what is wrong.
 */
function detectLine(
  text: string,
  from: number,
  to: number,
  classCount: number,
  width: number,
  height: number,
  sink: YoloLabelSink,
): boolean {
  const s1 = text.indexOf(' ', from);
  const s2 = s1 < 0 ? -1 : text.indexOf(' ', s1 + 1);
  const s3 = s2 < 0 ? -1 : text.indexOf(' ', s2 + 1);
  const s4 = s3 < 0 ? -1 : text.indexOf(' ', s3 + 1);
  if (s1 <= from || s2 <= s1 + 1 || s3 <= s2 + 1 || s4 <= s3 + 1 || s4 + 1 >= to) return false;
  const s5 = text.indexOf(' ', s4 + 1);
  if (s5 >= 0 && s5 < to) return false;
  const cls = Number(text.slice(from, s1));
  if (!Number.isInteger(cls) || cls < 0 || cls >= classCount) return false;
  const cx = numberIn(text, s1 + 1, s2);
  const cy = numberIn(text, s2 + 1, s3);
  const wn = numberIn(text, s3 + 1, s4);
  const hn = numberIn(text, s4 + 1, to);
  if (Number.isNaN(cx) || Number.isNaN(cy) || Number.isNaN(wn) || Number.isNaN(hn)) return false;
  const w = wn * width;
  const h = hn * height;
  sink.box(cls, cx * width - w / 2, cy * height - h / 2, w, h);
  return true;
}

/** The detect line for an absolute box. */
export function formatBoxLine(
  cls: number,
  x: number,
  y: number,
  w: number,
  h: number,
  width: number,
  height: number,
): string {
  return `${cls} ${(x + w / 2) / width} ${(y + h / 2) / height} ${w / width} ${h / height}`;
}

/** The segment / obb line for an absolute polygon (flat x, y pairs). */
export function formatPolygonLine(cls: number, points: ArrayLike<number>, width: number, height: number): string {
  let line = String(cls);
  for (let i = 0; i < points.length; i += 2) line += ` ${points[i] / width} ${points[i + 1] / height}`;
  return line;
}

/** Bounds of a flat polygon as x, y, w, h. */
export function polygonBounds(points: ArrayLike<number>): [number, number, number, number] {
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < points.length; i += 2) {
    if (points[i] < x1) x1 = points[i];
    if (points[i] > x2) x2 = points[i];
    if (points[i + 1] < y1) y1 = points[i + 1];
    if (points[i + 1] > y2) y2 = points[i + 1];
  }
  return [x1, y1, x2 - x1, y2 - y1];
}
