/** The fuzz seeds reach the inputs added to the formats: TFRecord masks, Label Studio predictions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedCorpora } from './fuzz-seeds.test.util.js';
import { labelstudio } from './labelstudio/index.js';
import { decodeExample } from './tfrecord/example.js';
import { readRecords } from './tfrecord/framing.js';
import { tfrecord } from './tfrecord/index.js';

test('TFRecord seeds include records with image/object/mask PNGs (the predictions seed has masks)', async () => {
  const corpora = await seedCorpora(tfrecord);
  assert.ok(Array.isArray(corpora), JSON.stringify(corpora));
  let masks = 0;
  for (const { files, root } of corpora) {
    for (const entry of await files.list(root)) {
      if (!entry.name.endsWith('.tfrecord')) continue;
      for await (const ev of readRecords(files.readChunks(`${root}/${entry.name}`))) {
        if (ev.kind === 'record') masks += decodeExample(ev.data).get('image/object/mask')?.value.length ?? 0;
      }
    }
  }
  assert.ok(masks > 0, 'no masks in any TFRecord seed');
});

test('Label Studio seeds include a task export with scored predictions', async () => {
  const corpora = await seedCorpora(labelstudio);
  assert.ok(Array.isArray(corpora), JSON.stringify(corpora));
  const texts = await Promise.all(corpora.map(({ files, root }) => files.readText(`${root}/labelstudio.json`)));
  const tasks = texts.flatMap((text) => JSON.parse(text) as { predictions?: { result: { score?: number }[] }[] }[]);
  const scored = tasks
    .flatMap((task) => task.predictions ?? [])
    .flatMap((p) => p.result.filter((r) => r.score !== undefined));
  assert.ok(scored.length > 0, 'no scored prediction in any Label Studio seed');
});
