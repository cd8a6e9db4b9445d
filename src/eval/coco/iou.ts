/**
 * Box IoU with the arithmetic of pycocotools' maskApi `bbIou`, in the same operation order so
 * every value is bit-identical: overlap from fmin/fmax of `w + x` edges, union `da + ga - i`,
 * and for a crowd GT the detection's own area as the union.
 */

/** Writes IoU of `dtRows[0..D)` × `gtRows` (row-major, D × G) into `out`. */
export function bboxIouInto(
  dtBoxes: Float64Array,
  dtRows: Int32Array,
  D: number,
  gtBoxes: Float64Array,
  gtFlags: Uint8Array,
  gtRows: Int32Array,
  out: Float64Array,
): void {
  const G = gtRows.length;
  for (let d = 0; d < D; d++) {
    const db = dtRows[d] * 4;
    const dx = dtBoxes[db];
    const dy = dtBoxes[db + 1];
    const dw = dtBoxes[db + 2];
    const dh = dtBoxes[db + 3];
    const da = dw * dh;
    const dx2 = dw + dx;
    const dy2 = dh + dy;
    const base = d * G;
    for (let j = 0; j < G; j++) {
      const row = gtRows[j];
      const gb = row * 4;
      const gx = gtBoxes[gb];
      const gy = gtBoxes[gb + 1];
      const gw = gtBoxes[gb + 2];
      const gh = gtBoxes[gb + 3];
      const w = Math.min(dx2, gw + gx) - Math.max(dx, gx);
      if (w <= 0) {
        out[base + j] = 0;
        continue;
      }
      const h = Math.min(dy2, gh + gy) - Math.max(dy, gy);
      if (h <= 0) {
        out[base + j] = 0;
        continue;
      }
      const i = w * h;
      const union = (gtFlags[row] & 1) !== 0 ? da : da + gw * gh - i;
      out[base + j] = i / union;
    }
  }
}
