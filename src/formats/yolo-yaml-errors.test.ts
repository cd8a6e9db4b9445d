/** A data.yaml the yaml library rejects or warns about is a one-line DetkitError at its line. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { nodeFiles } from '../io/node-files.js';
import { fixtureCopy } from './fixtures.test.util.js';
import { yolo } from './yolo.js';
import { parseDataYaml } from './yolo-yaml.js';

const FILE = 'set/data.yaml';

/** The message parsing `text` fails with; also checks nothing went to the process' warnings. */
async function yamlError(text: string): Promise<string> {
  const warnings: string[] = [];
  const listen = (w: Error) => warnings.push(w.message);
  process.on('warning', listen);
  try {
    await parseDataYaml(text, FILE);
  } catch (e) {
    assert.ok(e instanceof DetkitError, `expected a DetkitError, got ${(e as Error).stack}`);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    return e.message;
  } finally {
    // Warnings are emitted on the next tick.
    await new Promise((ok) => setImmediate(ok));
    process.off('warning', listen);
    assert.deepEqual(warnings, []);
  }
  assert.fail('parsing should have failed');
}

test("an unresolved tag (PyYAML's !!python/tuple) is an error at its line, not a warning and a guess", async () => {
  assert.equal(
    await yamlError('train: images\nnames: !!python/tuple [cat, dog]\n'),
    `${FILE}:2: YAML the parser warns about: Unresolved tag: tag:yaml.org,2002:python/tuple`,
  );
});

test('an unsupported %YAML version directive is an error at line 1', async () => {
  assert.match(
    await yamlError('%YAML 1.3\n---\nnames: [cat]\n'),
    /^set\/data\.yaml:1: YAML the parser warns about: Unsupported YAML version 1\.3$/,
  );
});

test('a key given twice is an error at the second one, not the last value silently winning', async () => {
  assert.equal(
    await yamlError('train: images\nnames: [cat]\ntrain: other\n'),
    `${FILE}:3: invalid YAML: Map keys must be unique`,
  );
});

test('several documents in one data.yaml are an error at the second', async () => {
  assert.match(
    await yamlError('names: [cat]\n---\nnames: [dog]\n'),
    /^set\/data\.yaml:2: invalid YAML: Source contains multiple documents/,
  );
});

test('tabs as indentation are an error at their line', async () => {
  assert.equal(
    await yamlError('train: images\nnames:\n\t- cat\n'),
    `${FILE}:3: invalid YAML: Tabs are not allowed as indentation`,
  );
});

test('a list or mapping used as a key is an error at its line (it would be stringified)', async () => {
  assert.equal(
    await yamlError('train: images\nnames: [cat]\n? [a, b]\n: c\n'),
    `${FILE}:3: invalid YAML: a mapping key is a list or mapping, not a name`,
  );
});

test('alias expansion past the limit (billion laughs) is an error naming the file', async () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (const [name, prev] of [
    ['b', 'a'],
    ['c', 'b'],
    ['d', 'c'],
  ]) {
    bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  assert.match(
    await yamlError(`${bomb.join('\n')}\nnames: [cat]\n`),
    /^set\/data\.yaml: invalid YAML: Excessive alias count/,
  );
});

test('a document that is not a mapping names the line of its content', async () => {
  assert.equal(
    await yamlError('# classes\n- cat\n- dog\n'),
    `${FILE}:2: a YOLO data.yaml must be a mapping with "names" and split entries`,
  );
  assert.equal(await yamlError(''), `${FILE}: a YOLO data.yaml must be a mapping with "names" and split entries`);
});

test('nc that disagrees with names is an error at the nc line (Ultralytics refuses it too)', async () => {
  assert.equal(
    await yamlError('train: images\nnc: 3\nnames: [cat, dog]\n'),
    `${FILE}:2 field "nc": "nc" is 3 but "names" lists 2 classes`,
  );
});

test('a path that is not a string is an error, not the yaml folder by default', async () => {
  assert.equal(
    await yamlError('path: 42\ntrain: images\nnames: [cat]\n'),
    `${FILE}:1 field "path": "path" must be a folder path`,
  );
});

test('a list of names with a null or a mapping in it is an error naming the entry', async () => {
  assert.equal(
    await yamlError('train: images\nnames: [cat, ~]\n'),
    `${FILE}:2 field "names[1]": class 1 has no name (null)`,
  );
  assert.equal(
    await yamlError('train: images\nnames:\n  - cat\n  - {a: 1}\n'),
    `${FILE}:2 field "names[1]": class 1 has no name ({"a":1})`,
  );
});

test('a class index too large to be a class is an error at the names line', async () => {
  assert.equal(
    await yamlError('train: images\nnames:\n  99999999999999999999: cat\n'),
    `${FILE}:2 field "names.100000000000000000000": class index "100000000000000000000" is not a non-negative integer`,
  );
});

test('names as a !!set is an error at its line, not zero classes', async () => {
  const dir = await fixtureCopy(null, { 'images/a.jpg': [10, 10] });
  writeFileSync(join(dir, 'data.yaml'), 'train: images\nnames: !!set {cat, dog}\n');
  await assert.rejects(yolo.read(nodeFiles, dir), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.equal(
      e.message,
      `${join(dir, 'data.yaml')}:2 field "names": "names" must be a list or an {index: name} mapping`,
    );
    return true;
  });
});
