import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetOf, times } from './ops-fixtures.test.util.js';
import { parseClassMapping, remapClasses } from './remap.js';

// Classes: car 1 (3 boxes), traffic light 2 (4), truck 3 (2), person 4 (1).
const street = () =>
  datasetOf([...times(3, ['car', 'traffic light']), ['truck', 'traffic light'], ['truck'], ['person']], (i) =>
    i === 0 ? { labels: [1, 2] } : {},
  );

const names = (d: ReturnType<typeof street>) => d.categories.map((c) => `${c.id}:${c.name}`);
const boxesOf = (d: ReturnType<typeof street>, id: number) =>
  d.annotations.filterRows((row) => d.annotations.categoryIds[row] === id).length;

test('rename keeps the id and the boxes', () => {
  const { dataset, report } = remapClasses(street(), parseClassMapping({ rename: { Person: 'pedestrian' } }));
  assert.deepEqual(names(dataset), ['1:car', '2:traffic light', '3:truck', '4:pedestrian']);
  assert.equal(boxesOf(dataset, 4), 1);
  assert.deepEqual(report.classes[3], {
    id: 4,
    name: 'person',
    action: 'renamed',
    to: { id: 4, name: 'pedestrian' },
    boxes: 1,
  });
});

test('two classes renamed to one name merge, with the boxes each brought', () => {
  const { dataset, report } = remapClasses(street(), parseClassMapping({ car: 'vehicle', truck: 'vehicle' }));
  assert.deepEqual(names(dataset), ['1:vehicle', '2:traffic light', '4:person']);
  assert.equal(boxesOf(dataset, 1), 5);
  assert.deepEqual(report.merged, [
    {
      id: 1,
      name: 'vehicle',
      from: [
        { name: 'car', boxes: 3 },
        { name: 'truck', boxes: 2 },
      ],
      boxes: 5,
    },
  ]);
});

test('a class renamed to a kept class merges into it and takes its id', () => {
  const { dataset } = remapClasses(street(), parseClassMapping({ rename: { car: 'TRUCK' } }));
  assert.deepEqual(names(dataset), ['2:traffic light', '3:truck', '4:person']);
  assert.equal(boxesOf(dataset, 3), 5);
});

test('drop removes the class, its boxes and its image labels, and counts them', () => {
  const { dataset, report } = remapClasses(street(), parseClassMapping({ drop: ['traffic light'] }));
  assert.deepEqual(names(dataset), ['1:car', '3:truck', '4:person']);
  assert.equal(dataset.annotations.length, 6);
  assert.equal(report.droppedBoxes, 4);
  assert.equal(report.emptiedImages, 0);
  assert.deepEqual(dataset.images[0].labels, [1]);
  assert.equal(report.relabelledImages, 1);
});

test('the flat form drops with null; an image losing its only boxes is counted', () => {
  const { report } = remapClasses(street(), parseClassMapping({ person: null, car: 'vehicle' }));
  assert.equal(report.droppedBoxes, 1);
  assert.equal(report.emptiedImages, 1);
  assert.deepEqual(
    report.classes.map((c) => c.action),
    ['renamed', 'kept', 'kept', 'dropped'],
  );
});

test('merged image labels are not repeated', () => {
  const d = street();
  d.images[0].labels = [1, 3];
  const { dataset } = remapClasses(d, parseClassMapping({ car: 'vehicle', truck: 'vehicle' }));
  assert.deepEqual(dataset.images[0].labels, [1]);
});

test('a class the dataset lacks is a one-line error naming the mapping file', () => {
  assert.throws(() => remapClasses(street(), parseClassMapping({ bus: 'vehicle' }), 'map.yaml'), {
    message: 'map.yaml: class "bus" is not in the dataset (classes: car, traffic light, truck, person)',
  });
});

test('malformed mappings name the key', () => {
  assert.throws(() => parseClassMapping({ rename: { car: 3 } }, 'm.json'), {
    message: 'm.json (rename.car): the new name must be a non-empty string',
  });
  assert.throws(() => parseClassMapping({ drop: 'car' }, 'm.json'), {
    message: 'm.json (drop): drop must be a list of class names',
  });
  assert.throws(() => parseClassMapping(['car']), /must be an object/);
  assert.throws(() => parseClassMapping({ rename: { car: 'x' }, drop: ['Car'] }), /both renamed and dropped/);
});
