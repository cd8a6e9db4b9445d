/**
 * Errors are values with context. The CLI prints `message` as one line; `where` names the
 * file and the line / record / JSON path so a user can jump straight to the problem.
 */
export interface ErrorLocation {
  file?: string;
  /** 1-based line number in a text file. */
  line?: number;
  /** 1-based column on `line` (JSON syntax errors). */
  column?: number;
  /** Record index or id (JSON path like `annotations[12]`, TFRecord index, CSV row). */
  record?: string | number;
  field?: string;
}

export class DetkitError extends Error {
  readonly where: ErrorLocation;
  readonly detail: string;

  constructor(detail: string, where: ErrorLocation = {}) {
    super(formatLocated(detail, where));
    this.name = 'DetkitError';
    this.detail = detail;
    this.where = where;
  }

  /** A copy with the missing parts of the location filled in (e.g. the file, added by the caller). */
  within(where: ErrorLocation): DetkitError {
    return new DetkitError(this.detail, { ...where, ...this.where });
  }
}

export function formatLocated(detail: string, where: ErrorLocation): string {
  let prefix = where.file ?? '';
  if (where.line !== undefined) prefix += `${prefix ? ':' : 'line '}${where.line}`;
  if (where.line !== undefined && where.column !== undefined) prefix += `:${where.column}`;
  if (where.record !== undefined) {
    prefix += prefix ? ` (${recordLabel(where.record)})` : recordLabel(where.record);
  }
  if (where.field !== undefined) prefix += `${prefix ? ' ' : ''}field "${where.field}"`;
  return prefix ? `${prefix}: ${detail}` : detail;
}

function recordLabel(record: string | number): string {
  return typeof record === 'number' ? `record ${record}` : record;
}

export function isDetkitError(e: unknown): e is DetkitError {
  return e instanceof DetkitError;
}
