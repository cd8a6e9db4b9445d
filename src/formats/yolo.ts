/**
 * YOLO (Darknet txt labels + Ultralytics data.yaml) format plugin: detect, segment and obb
 * tasks. Reading: yolo-read.ts; writing: yolo-write.ts; the line arithmetic: yolo-lines.ts.
 */
import { type DatasetFormat, holds } from './format.js';
import { readYolo } from './yolo-read.js';
import { canWriteYoloStream, openYoloStreamWriter } from './yolo-stream.js';
import { writeYolo } from './yolo-write.js';
import { findDataYaml } from './yolo-yaml.js';

export const yolo: DatasetFormat = {
  name: 'yolo',
  description: 'YOLO txt labels with an Ultralytics data.yaml (detect, segment, obb)',
  capabilities: holds({
    boxes: true,
    polygons: true,
    negatives: true,
    splits: true,
  }),

  async detect(files, path) {
    const yamlFile = await findDataYaml(files, path);
    if (!yamlFile) return null;
    const text = new TextDecoder().decode(await files.readHead(yamlFile, 65536));
    if (!/^names\s*:/m.test(text)) return null;
    return { confidence: 0.9, reason: `found ${yamlFile} with a "names" entry` };
  },

  read: readYolo,
  write: writeYolo,
  canWriteStream: canWriteYoloStream,
  openStreamWriter: openYoloStreamWriter,
};
