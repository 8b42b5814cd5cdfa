// Synthetic screenshot-like test images: flat areas, text-like stripes and a
// gradient, deterministic from a seed.
export function makeImage(width, height, { opaque = true, seed = 1 } = {}) {
  const rgba = new Uint8Array(width * height * 4);
  let state = seed >>> 0;
  const next = () => (state = (state * 1664525 + 1013904223) >>> 0) >>> 24;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const text = y % 12 < 8 && x % 7 < 4 && (x >> 5) % 3 !== 0;
      rgba[i] = text ? 20 : (240 - (x * 50) / width) | 0;
      rgba[i + 1] = text ? 20 : 244;
      rgba[i + 2] = text ? 30 : (250 - (y * 60) / height) | 0;
      rgba[i + 3] = opaque ? 255 : next();
    }
  }
  return rgba;
}
