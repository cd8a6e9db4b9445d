/**
 * The boxes greedy NMS has kept so far, answering "does any of them overlap this candidate by more
 * than the threshold?". Few kept boxes are scanned in a row; past `GRID_AFTER` they are also
 * binned in a uniform grid over the candidates' extent, so a candidate is tested only against the
 * kept boxes sharing a cell with it. Two boxes whose intersection has positive area always share a
 * cell, and boxes that do not intersect have IoU 0, which suppresses nothing unless the threshold is
 * negative (then the grid is never used): the answer is the same as the full scan's.
 */

const GRID_AFTER = 32;
const MAX_CELLS_PER_AXIS = 32;

export class KeptBoxes {
  length = 0;
  private readonly x1: Float64Array;
  private readonly y1: Float64Array;
  private readonly x2: Float64Array;
  private readonly y2: Float64Array;
  private readonly area: Float64Array;
  private cells: number[][] | null = null;
  /** Last candidate that tested each kept box (a box spanning several cells is tested once). */
  private stamp: Int32Array | null = null;
  private candidate = 0;
  private gx = 0;
  private gy = 0;
  private cellW = 1;
  private cellH = 1;
  private columns = 1;
  private rows = 1;

  /** `extent` = [minX, minY, maxX, maxY] of the candidates, to lay out the grid. */
  constructor(
    capacity: number,
    private readonly iouThreshold: number,
    private readonly extent: () => [number, number, number, number],
  ) {
    this.x1 = new Float64Array(capacity);
    this.y1 = new Float64Array(capacity);
    this.x2 = new Float64Array(capacity);
    this.y2 = new Float64Array(capacity);
    this.area = new Float64Array(capacity);
  }

  /** True when a kept box overlaps [x1, y1, x2, y2] by IoU > threshold (torchvision's formula). */
  suppresses(x1: number, y1: number, x2: number, y2: number, area: number): boolean {
    const cells = this.cells;
    if (cells === null) {
      for (let m = 0; m < this.length; m++) if (this.overlaps(m, x1, y1, x2, y2, area)) return true;
      return false;
    }
    const stamp = this.stamp!;
    const mark = ++this.candidate;
    const cx1 = this.column(x1);
    const cx2 = this.column(x2);
    const cy2 = this.row(y2);
    for (let cy = this.row(y1); cy <= cy2; cy++) {
      for (let cx = cx1; cx <= cx2; cx++) {
        const cell = cells[cy * this.columns + cx];
        for (let k = 0; k < cell.length; k++) {
          const m = cell[k];
          if (stamp[m] === mark) continue;
          stamp[m] = mark;
          if (this.overlaps(m, x1, y1, x2, y2, area)) return true;
        }
      }
    }
    return false;
  }

  add(x1: number, y1: number, x2: number, y2: number, area: number): void {
    const m = this.length++;
    this.x1[m] = x1;
    this.y1[m] = y1;
    this.x2[m] = x2;
    this.y2[m] = y2;
    this.area[m] = area;
    if (this.cells !== null) this.bin(m);
    else if (this.length === GRID_AFTER && this.iouThreshold >= 0) this.buildGrid();
  }

  private overlaps(m: number, x1: number, y1: number, x2: number, y2: number, area: number): boolean {
    const w = Math.min(this.x2[m], x2) - Math.max(this.x1[m], x1);
    if (w > 0) {
      const h = Math.min(this.y2[m], y2) - Math.max(this.y1[m], y1);
      if (h > 0) {
        const inter = w * h;
        return inter / (this.area[m] + area - inter) > this.iouThreshold;
      }
    }
    // Disjoint: IoU 0, which only a negative threshold suppresses.
    return this.iouThreshold < 0 && 0 / (this.area[m] + area) > this.iouThreshold;
  }

  /** Cells about the mean size of the boxes kept so far: each box then spans a few cells. */
  private buildGrid(): void {
    const [minX, minY, maxX, maxY] = this.extent();
    let meanW = 0;
    let meanH = 0;
    for (let m = 0; m < this.length; m++) {
      meanW += (this.x2[m] - this.x1[m]) / this.length;
      meanH += (this.y2[m] - this.y1[m]) / this.length;
    }
    const axis = (span: number, mean: number) =>
      span > 0 && mean > 0 ? Math.max(1, Math.min(MAX_CELLS_PER_AXIS, Math.round(span / mean))) : 1;
    this.columns = axis(maxX - minX, meanW);
    this.rows = axis(maxY - minY, meanH);
    if (!(this.columns * this.rows > 1)) return; // one cell: the plain scan is as good
    this.gx = minX;
    this.gy = minY;
    this.cellW = (maxX - minX) / this.columns;
    this.cellH = (maxY - minY) / this.rows;
    this.cells = Array.from({ length: this.columns * this.rows }, () => []);
    this.stamp = new Int32Array(this.x1.length);
    for (let m = 0; m < this.length; m++) this.bin(m);
  }

  /** Files kept box `m` in every cell it covers (none for reversed or NaN boxes: they overlap nothing). */
  private bin(m: number): void {
    const cells = this.cells!;
    const cx1 = this.column(this.x1[m]);
    const cx2 = this.column(this.x2[m]);
    const cy2 = this.row(this.y2[m]);
    for (let cy = this.row(this.y1[m]); cy <= cy2; cy++) {
      for (let cx = cx1; cx <= cx2; cx++) cells[cy * this.columns + cx].push(m);
    }
  }

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.gx) / this.cellW)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.gy) / this.cellH)));
  }
}
