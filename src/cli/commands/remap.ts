import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DetkitError } from '../../core/errors.js';
import { parseClassMapping, remapClasses } from '../../ops/remap.js';
import { loadDataset } from '../dataset-io.js';
import { type DatasetIoOptions, datasetIoOptions, outputFormat, writeOperation } from '../ops-io.js';
import { table } from '../output.js';

interface RemapCommandOptions extends DatasetIoOptions {
  map: string;
  out: string;
}

const MAPPING_HELP = `
Mapping file (YAML or JSON), either structured:
  rename:
    car: vehicle
    truck: vehicle      # two classes renamed to one name are merged
  drop: [traffic light] # dropped classes lose their boxes and image labels
or flat, null dropping a class:
  { "car": "vehicle", "truck": "vehicle", "traffic light": null }
Names match case-insensitively; classes not named are kept. A class renamed to a kept class's
name merges into it (keeping that class's id). Naming a class the dataset lacks is an error.`;

async function readMapping(path: string): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DetkitError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e), { file: path });
  }
  try {
    const YAML = (await import('yaml')).default;
    return YAML.parse(text);
  } catch (e) {
    const err = e as { message: string; linePos?: { line: number }[] };
    throw new DetkitError(`not valid YAML/JSON: ${err.message.split('\n')[0]}`, {
      file: path,
      line: err.linePos?.[0]?.line,
    });
  }
}

export function registerRemap(program: Command): void {
  const command = program
    .command('remap')
    .description('Rename, merge and drop classes from a mapping file, reporting the boxes each change touched')
    .argument('<input>', 'dataset file or folder')
    .requiredOption('--map <file>', 'mapping, YAML or JSON (see below)')
    .requiredOption('--out <path>', 'where to write the remapped dataset')
    .addHelpText('after', MAPPING_HELP);
  datasetIoOptions(command).action(async (input: string, options: RemapCommandOptions) => {
    const mapping = parseClassMapping(await readMapping(options.map), options.map);
    const { dataset, format } = await loadDataset(input, options.from);
    const target = outputFormat(format, options.to);
    const result = remapClasses(dataset, mapping, options.map);
    const r = result.report;
    await writeOperation(input, result, target, options, () => ({
      lines: [
        table(
          r.classes.map((c) => [c.id, c.name, c.action, c.to ? `${c.to.name} (${c.to.id})` : '-', c.boxes]),
          ['id', 'class', 'action', 'now', 'boxes'],
        ),
        '',
        ...r.merged.map(
          (m) => `merged into ${m.name}: ${m.from.map((f) => `${f.name} (${f.boxes})`).join(' + ')} = ${m.boxes} boxes`,
        ),
        ...(r.droppedBoxes > 0
          ? [`dropped ${r.droppedBoxes} boxes; ${r.emptiedImages} images left without boxes`]
          : []),
        ...(r.relabelledImages > 0 ? [`image labels changed on ${r.relabelledImages} images`] : []),
      ],
      result: `${result.dataset.images.length} images, ${result.dataset.annotations.length} annotations, ${result.dataset.categories.length} classes`,
    }));
  });
}
