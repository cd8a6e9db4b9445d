import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import YAML from 'yaml';
import { DetkitError } from '../../core/errors.js';
import { parseClassMapping, remapClasses } from '../../ops/remap.js';
import { loadDataset } from '../dataset-io.js';
import { outputFormat, saveDataset } from '../ops-io.js';
import { type CommonOptions, printJson, say, table } from '../output.js';

interface RemapCommandOptions extends CommonOptions {
  map: string;
  out: string;
  from?: string;
  to?: string;
  copyImages?: boolean;
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

function readMapping(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DetkitError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e), { file: path });
  }
  try {
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
  program
    .command('remap')
    .description('Rename, merge and drop classes from a mapping file, reporting the boxes each change touched')
    .argument('<input>', 'dataset file or folder')
    .requiredOption('--map <file>', 'mapping, YAML or JSON (see below)')
    .requiredOption('--out <path>', 'where to write the remapped dataset')
    .option('--from <format>', 'input format (detected when left out)')
    .option('--to <format>', 'output format (default: the input format)')
    .option('--copy-images', 'copy image files next to the output (default: reference them by absolute path)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', MAPPING_HELP)
    .action(async (input: string, options: RemapCommandOptions) => {
      const mapping = parseClassMapping(readMapping(options.map), options.map);
      const { dataset, format } = await loadDataset(input, options.from);
      const target = outputFormat(format, options.to);
      const result = remapClasses(dataset, mapping, options.map);
      await saveDataset(result.dataset, options.out, target, { copyImages: options.copyImages });
      const r = result.report;
      if (options.json) {
        printJson({ input, to: target.name, output: options.out, ...r });
        return;
      }
      say(
        options,
        table(
          r.classes.map((c) => [c.id, c.name, c.action, c.to ? `${c.to.name} (${c.to.id})` : '-', c.boxes]),
          ['id', 'class', 'action', 'now', 'boxes'],
        ),
      );
      say(options);
      for (const m of r.merged) {
        say(
          options,
          `merged into ${m.name}: ${m.from.map((f) => `${f.name} (${f.boxes})`).join(' + ')} = ${m.boxes} boxes`,
        );
      }
      if (r.droppedBoxes > 0)
        say(options, `dropped ${r.droppedBoxes} boxes; ${r.emptiedImages} images left without boxes`);
      if (r.relabelledImages > 0) say(options, `image labels changed on ${r.relabelledImages} images`);
      say(
        options,
        `→ ${options.out} (${target.name}): ${result.dataset.images.length} images, ${result.dataset.annotations.length} annotations, ${result.dataset.categories.length} classes`,
      );
    });
}
