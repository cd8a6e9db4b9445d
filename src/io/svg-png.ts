/** SVG → PNG at the Node edge (sharp / librsvg), for the evaluation report's plots. */
import sharp from 'sharp';

/** Rasterizes an SVG document at `density` DPI (144: twice the SVG's pixel size). */
export async function svgToPng(svg: string, density = 144): Promise<Uint8Array> {
  const png = await sharp(Buffer.from(svg), { density }).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
