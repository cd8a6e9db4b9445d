/** A worker of openimages-threads.ts: prints blocks of rows, and creates YOLO label files with synchronous calls. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DetkitError } from '../core/errors.js';
import { ByteText, cocoAnnotation, yoloLine } from '../formats/openimages-lines.js';
import type { CocoJob, ThreadSetup, YoloJob } from './openimages-threads.js';

const setup = workerData as ThreadSetup;
const text = new ByteText(1 << 20);

function yolo(job: YoloJob): void {
  const { rows, runEnds, runImage } = job;
  const classOf = setup.classByCategory;
  for (let r = 0; r < runEnds.length; r++) {
    if (runImage[r] % setup.count !== setup.worker) continue;
    text.clear();
    for (let row = r === 0 ? 0 : runEnds[r - 1]; row < runEnds[r]; row++) {
      const category = rows.category[row];
      const cls = category < classOf.length ? classOf[category] : -1;
      if (cls < 0) throw new DetkitError(`category id ${category} is not in the category list`, {});
      yoloLine(text, cls, rows, row);
    }
    const path = job.paths[r];
    let fd: number;
    try {
      fd = openSync(path, job.append[r] ? 'a' : 'w');
    } catch (e) {
      throw new DetkitError(`cannot write the label file: ${(e as Error).message}`, { file: path });
    }
    try {
      writeSync(fd, text.bytes, 0, text.length);
    } finally {
      closeSync(fd);
    }
  }
}

function coco(job: CocoJob): Uint8Array {
  const out = new ByteText(job.rows.length * 200 + 1024);
  const { rows, width, height } = job;
  for (let row = 0; row < rows.length; row++) {
    out.ascii(row === 0 && job.first ? '\n' : ',\n');
    const k = rows.image[row];
    cocoAnnotation(out, rows, row, job.firstId + row, k + 1, width[row], height[row]);
  }
  return out.bytes.slice(0, out.length);
}

parentPort?.on('message', ({ seq, job }: { seq: number; job: YoloJob | CocoJob }) => {
  try {
    if (job.kind === 'yolo') {
      yolo(job);
      parentPort?.postMessage({ seq });
    } else {
      const bytes = coco(job);
      parentPort?.postMessage({ seq, text: bytes }, [bytes.buffer as ArrayBuffer]);
    }
  } catch (e) {
    const d = e instanceof DetkitError ? e : undefined;
    parentPort?.postMessage({ seq, error: d ? d.detail : String(e), where: d?.where ?? {} });
  }
});
