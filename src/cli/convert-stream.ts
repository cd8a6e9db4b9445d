/**
 * `convert` without holding the dataset: when the source reads as a stream and the target
 * writes one, batches flow from reader to writer and the loss is counted on the way (the same
 * counts `lossReport` gives for a whole dataset). Memory is bounded by a batch plus what the
 * target must keep until close (COCO's image records, YOLO's label-file names).
 */
import { type DatasetFormat, LossCounter, type LossReport, mergeLoss, type ReadOptions } from '../formats/index.js';
import { countBatchLoss } from '../formats/stream.js';
import { nodeFiles, writeAtomically } from '../io/node-files.js';
import { convertOpenImagesFast } from './convert-openimages.js';
import { progressBar, warn } from './output.js';

export interface StreamedConversion {
  images: number;
  annotations: number;
  loss: LossReport;
}

/** Converts by streaming, or returns null when either side cannot (then convert reads into memory). */
export async function convertStreaming(
  source: DatasetFormat,
  target: DatasetFormat,
  input: string,
  output: string,
  refuse: (loss: LossReport) => void,
  copyImages?: boolean,
  readOptions: ReadOptions = {},
): Promise<StreamedConversion | null> {
  if (copyImages || !source.readStream || !target.openStreamWriter) return null;
  const progress = progressBar(`converting ${source.name} → ${target.name}`);
  try {
    const fast = await convertOpenImagesFast(source, target, input, output, refuse, progress, warn);
    if (fast) return fast;
    const stream = await source.readStream(nodeFiles, input, { warn, progress, ...readOptions });
    const writeOptions = { imageRoot: stream.info.imageRoot, warn };
    if (target.canWriteStream && !target.canWriteStream(stream, writeOptions)) return null;
    const openWriter = target.openStreamWriter;
    return await writeAtomically(output, async (staging) => {
      const writer = await openWriter(nodeFiles, staging, stream, writeOptions);
      const counter = new LossCounter(target.capabilities);
      counter.categories(stream.categories);
      const seen = new Set<number>();
      let annotations = 0;
      for await (const batch of stream.batches) {
        countBatchLoss(counter, batch, seen);
        annotations += batch.annotations.length;
        await writer.add(batch);
      }
      const result = await writer.close();
      const loss = mergeLoss(counter.report(), result.loss);
      refuse(loss);
      return { images: seen.size, annotations, loss };
    });
  } finally {
    progress.stop();
  }
}
