/**
 * Group keys for `split --group-by`: images sharing a key stay in one split.
 *
 * - `file:<regex>` — the first capture group (else the whole match) of the regex on the image's
 *   file path: `file:^([^/]+)/` groups by top folder, `file:(.*)_frame\d+` by video stem.
 * - `tag:<prefix>` — the first image tag starting with `prefix`: `tag:video=` groups `video=12`.
 * - anything else is a dotted path into the image record: `extra.video_id`, `split`.
 *
 * Images without a key (no match, no such tag, field missing) form one group each.
 */
import type { ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';

export function groupKeyReader(spec: string): (image: ImageRecord) => string | undefined {
  if (spec.startsWith('file:')) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(spec.slice(5));
    } catch (e) {
      throw new DetkitError(`--group-by ${spec}: not a valid regular expression (${(e as Error).message})`);
    }
    return (im) => {
      const m = pattern.exec(im.file);
      return m ? (m[1] ?? m[0]) : undefined;
    };
  }
  if (spec.startsWith('tag:')) {
    const prefix = spec.slice(4);
    if (!prefix) throw new DetkitError('--group-by tag: needs a tag prefix, e.g. tag:video=');
    return (im) => im.tags?.find((t) => t.startsWith(prefix));
  }
  const path = spec.split('.');
  if (path.some((p) => p === '')) throw new DetkitError(`--group-by ${spec}: not a field path like extra.video_id`);
  return (im) => {
    let value: unknown = im;
    for (const key of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
}
