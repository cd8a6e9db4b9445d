/**
 * Seed corpora for the format fuzzer: a small, varied dataset written by each format's own
 * writer into memory, so a newly registered format is fuzzed as soon as its writer exists.
 * Formats that cannot write (or need more than the generic dataset) add a hand-made seed to
 * `HAND_MADE_SEEDS`.
 */
import { Dataset } from '../core/dataset.js';
import { MemoryFiles } from '../core/memory-files.js';
import type { DatasetFormat } from './format.js';
import { encodePng } from './pixels/png.js';

/** A valid grey 8-bit greyscale PNG, from the formats' own encoder. */
export function tinyPng(width: number, height: number): Uint8Array {
  return encodePng({ data: new Uint8Array(width * height).fill(128), width, height, channels: 1 });
}

/**
 * Three categories (one name with a space), four PNG images over two splits (one a negative),
 * boxes with flags and a crowd box — enough that every field of a format's files is present.
 */
export function seedDataset(): Dataset {
  const dataset = new Dataset();
  dataset.categories = [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
    { id: 3, name: 'traffic light' },
  ];
  const sizes: [number, number][] = [
    [32, 24],
    [20, 20],
    [16, 12],
    [24, 16],
  ];
  dataset.info = { task: 'detection', embeddedImages: new Map() };
  sizes.forEach(([width, height], k) => {
    const id = k + 1;
    dataset.addImage({ id, file: `img${id}.png`, width, height, split: k < 3 ? 'train' : 'val' });
    dataset.info.embeddedImages!.set(id, tinyPng(width, height));
  });
  const t = dataset.annotations;
  t.addBox(1, 1, 2, 3, 10, 8);
  t.setFlag(t.addBox(1, 2, 12.5, 4, 6, 7.25), 'difficult', true);
  t.setFlag(t.addBox(1, 3, 0, 0, 32, 24), 'truncated', true);
  t.addBox(2, 3, 5, 5, 4, 9);
  t.setCrowd(t.addBox(2, 1, 1, 1, 3, 3), true);
  t.addBox(4, 2, 8, 2, 10, 12);
  return dataset;
}

/**
 * The same images as predictions with masks: every box scored, polygons and an RLE — so the
 * fuzzer also reaches results files (COCO), segment labels (YOLO) and mask fields.
 */
export function seedPredictions(): Dataset {
  const dataset = seedDataset();
  dataset.info.task = 'segmentation';
  const t = dataset.annotations;
  for (let row = 0; row < t.length; row++) {
    t.scores[row] = 0.9 - row / 10;
    const [x, y, w, h] = t.boxes.subarray(row * 4, row * 4 + 4);
    t.segmentations.set(row, [[x, y, x + w, y, x + w / 2, y + h]]);
  }
  t.segmentations.set(4, { size: [20, 20], counts: [21, 3, 17, 3, 17, 3, 336] });
  return dataset;
}

/** A big-endian idx header (MNIST): magic `00 00 08 <dims>`, then one uint32 per dimension. */
function idxFile(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 + dims.length);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** `count` images of `size` bytes, each a different ramp (so no two records are alike). */
function pixelRamps(count: number, size: number): Uint8Array {
  return Uint8Array.from({ length: count * size }, (_, i) => (i * (1 + Math.floor(i / size))) & 0xff);
}

const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * Hand-made seeds for formats whose writer cannot produce one from the generic datasets
 * (labelled fixed-size images only, or read-only): files by path, read at `root`.
 */
export const HAND_MADE_SEEDS: Record<string, () => SeedCorpus[]> = {
  imagefolder: () => [
    {
      root: '/seed/imagefolder',
      files: new MemoryFiles({
        '/seed/imagefolder/cat/a.png': tinyPng(8, 6),
        '/seed/imagefolder/cat/b.png': tinyPng(5, 5),
        '/seed/imagefolder/dog/c.png': tinyPng(4, 7),
      }),
    },
    {
      root: '/seed/imagefolder-splits',
      files: new MemoryFiles({
        '/seed/imagefolder-splits/train/cat/a.png': tinyPng(8, 6),
        '/seed/imagefolder-splits/train/dog/b.png': tinyPng(5, 5),
        '/seed/imagefolder-splits/val/dog/c.png': tinyPng(4, 7),
      }),
    },
  ],
  mnist: () => [
    {
      root: '/seed/mnist',
      files: new MemoryFiles({
        '/seed/mnist/train-images-idx3-ubyte': idxFile([3, 28, 28], pixelRamps(3, 28 * 28)),
        '/seed/mnist/train-labels-idx1-ubyte': idxFile([3], new Uint8Array([5, 0, 9])),
      }),
    },
  ],
  cifar10: () => {
    const records = pixelRamps(2, 3073);
    records[0] = 3;
    records[3073] = 9;
    return [
      {
        root: '/seed/cifar10',
        files: new MemoryFiles({
          '/seed/cifar10/data_batch_1.bin': records,
          '/seed/cifar10/batches.meta.txt': `${CIFAR_CLASSES.join('\n')}\n`,
        }),
      },
    ];
  },
  ilsvrc: () => [
    {
      root: '/seed/ilsvrc',
      files: new MemoryFiles({
        '/seed/ilsvrc/LOC_synset_mapping.txt': 'n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n',
        '/seed/ilsvrc/LOC_val_solution.csv':
          'ImageId,PredictionString\nILSVRC2012_val_00000001,n01440764 1 2 10 8 n01443537 0 0 5 5 \nILSVRC2012_val_00000002,n01443537 3 1 12 9 \n',
        '/seed/ilsvrc/ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000001.JPEG': tinyPng(16, 12),
        '/seed/ilsvrc/ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000002.JPEG': tinyPng(20, 10),
      }),
    },
  ],
};

export interface SeedCorpus {
  files: MemoryFiles;
  /** The path handed to `format.read`. */
  root: string;
}

/**
 * The format's seeds: hand-made ones, else each seed dataset through its writer (those it
 * cannot write or read back are left out); an error when none is left.
 */
export async function seedCorpora(format: DatasetFormat): Promise<SeedCorpus[] | { error: string }> {
  const handMade = HAND_MADE_SEEDS[format.name];
  if (handMade) return handMade();
  const corpora: SeedCorpus[] = [];
  const problems: string[] = [];
  for (const [variant, dataset] of [
    ['ground-truth', seedDataset()],
    ['predictions', seedPredictions()],
  ] as const) {
    const files = new MemoryFiles();
    const root = `/seed/${format.name}-${variant}`;
    try {
      await format.write(dataset, files, root, { copyImages: true });
      await format.read(files, root);
      corpora.push({ files, root });
    } catch (e) {
      problems.push(`${variant}: ${(e as Error).message}`);
    }
  }
  if (corpora.length > 0) return corpora;
  return { error: `its writer gives no readable seed (${problems.join('; ')}); add one to HAND_MADE_SEEDS` };
}
