/** Test support for format plugins: fixture paths, scratch folders, golden-file comparison. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DetkitError } from '../../core/errors.js';
import { tempDir } from '../../io/temp-dirs.test.util.js';

/** A fixture under src/formats/fixtures (tests run from the repo root). */
export function fixture(...parts: string[]): string {
  return join(process.cwd(), 'src', 'formats', 'fixtures', ...parts);
}

export function scratch(): string {
  return tempDir('detkit-format-');
}

/** A scratch file holding `text`. */
export function scratchFile(name: string, text: string): string {
  const path = join(scratch(), name);
  writeFileSync(path, text);
  return path;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) visit(p);
      else out.push(relative(dir, p));
    }
  };
  visit(dir);
  return out;
}

/** Every file under `actual` equals the file of the same name under `golden`, byte for byte. */
export function assertSameFiles(actual: string, golden: string, only: (name: string) => boolean = () => true): void {
  const names = filesUnder(actual).filter(only);
  assert.deepEqual(names, filesUnder(golden).filter(only));
  for (const name of names) {
    assert.equal(readFileSync(join(actual, name), 'utf8'), readFileSync(join(golden, name), 'utf8'), name);
  }
}

/** Runs `read` and asserts it fails with a one-line DetkitError whose message matches `pattern`. */
export async function assertReadError(read: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(read, (e: unknown) => {
    assert.ok(e instanceof DetkitError, `expected a DetkitError, got ${e}`);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}
