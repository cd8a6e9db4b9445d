/**
 * Draws detections on an image (boxes, labels, scores) with sharp: one SVG overlay composited
 * over the picture, EXIF orientation applied as for detection.
 */
import type { Detections } from '../core/detections.js';

const PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#469990',
  '#9a6324',
];

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function detectionsSvg(d: Detections, width: number, height: number): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 200));
  const font = Math.max(12, Math.round(Math.min(width, height) / 40));
  const parts: string[] = [];
  for (let i = d.length - 1; i >= 0; i--) {
    const [x1, y1, x2, y2] = d.boxes.subarray(i * 4, i * 4 + 4);
    const colour = PALETTE[d.classIds[i] % PALETTE.length];
    const text = `${d.labels?.[d.classIds[i]] ?? d.classIds[i]} ${d.scores[i].toFixed(2)}`;
    const textWidth = Math.ceil(text.length * font * 0.6) + 6;
    const ty = y1 >= font + 4 ? y1 - font - 4 : y1;
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${x1}" y="${ty}" width="${textWidth}" height="${font + 4}" fill="${colour}"/>`,
      `<text x="${x1 + 3}" y="${ty + font}" font-family="sans-serif" font-size="${font}" fill="#fff">${escapeXml(text)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Writes `source` with `d` drawn on it to `outPath` (format from the extension). */
export async function drawDetections(source: string | Uint8Array, d: Detections, outPath: string): Promise<void> {
  const { default: sharp } = await import('sharp');
  const upright = sharp(source).rotate();
  const { data, info } = await upright.toBuffer({ resolveWithObject: true });
  const svg = detectionsSvg(d, info.width, info.height);
  await sharp(data)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .toFile(outPath);
}
