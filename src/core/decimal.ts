/**
 * 10^0 … 10^22: every power of ten a double holds exactly. A decimal of at most 15 significant
 * digits is its integer mantissa divided (or multiplied) by one of these — one correctly rounded
 * operation, so the same double `Number(text)` gives. The byte and text scanners share it.
 */
// biome-ignore format: a table
export const POW10: readonly number[] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
