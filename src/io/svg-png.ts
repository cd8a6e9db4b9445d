/** SVG → PNG at the Node edge (sharp / librsvg), for the evaluation report's plots. */

/** Rasterizes an SVG document at `density` DPI (144: twice the SVG's pixel size). */
export async function svgToPng(svg: string, density = 144): Promise<Uint8Array> {
  // Imported here, not at the top: sharp's native loader costs ~0.1 s and only --report needs it.
  const { default: sharp } = await import('sharp');
  const png = await sharp(Buffer.from(svg), { density }).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
