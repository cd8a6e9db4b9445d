import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { FIXTURES } from './fixtures.test.util.js';
import { scanXml } from './voc-xml.js';

const reference = new XMLParser({ ignoreAttributes: true, parseTagValue: false });

test('the fast scanner reads VOC files exactly as fast-xml-parser does', () => {
  for (const dir of ['voc/read/Annotations', 'voc/write/Annotations']) {
    for (const name of readdirSync(join(FIXTURES, dir))) {
      const xml = readFileSync(join(FIXTURES, dir, name), 'utf8');
      assert.deepEqual(scanXml(xml), reference.parse(xml), name);
    }
  }
});

test('the fast scanner handles declarations, comments, attributes, self-closing tags and entities', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<!-- LabelImg writes attributes on the root -->
<annotation verified="yes" note='a > b'>
  <filename>R&amp;D &lt;1&gt; &#233;&#x41;.jpg</filename>
  <pose/>
  <object><name>a</name></object>
  <!-- between elements -->
  <object><name>b</name><part><name>hand</name></part><part><name>foot</name></part></object>
</annotation>`;
  // Unlike fast-xml-parser's defaults, numeric character references are decoded (as XML says).
  assert.deepEqual(scanXml(xml), {
    annotation: {
      filename: 'R&D <1> éA.jpg',
      pose: '',
      object: [{ name: 'a' }, { name: 'b', part: [{ name: 'hand' }, { name: 'foot' }] }],
    },
  });
});

test('anything malformed or outside the subset falls back (null), so the validator can locate it', () => {
  for (const xml of [
    '<annotation><size></annotation>',
    '<annotation><a></b></annotation>',
    '<annotation>',
    '<a/><b/>',
    'text<annotation/>',
    '<annotation>text<a>1</a></annotation>',
    '<annotation><a>1</a>tail</annotation>',
    '<!DOCTYPE x><annotation/>',
    '<annotation><a><![CDATA[x]]></a></annotation>',
    '<annotation><a>b &unknown; c</a></annotation>',
    '<annotation><a>1 & 2</a></annotation>',
    '<annotation><1a>x</1a></annotation>',
    '<annotation><a>1 < 2</a></annotation>',
  ]) {
    assert.equal(scanXml(xml), null, xml);
  }
});
