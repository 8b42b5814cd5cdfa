// An image's size in pixels, read from the first bytes of its file.
//
// The capture decides from an image's size whether to scale it
// (app/image-sizes.js). Decoding it to learn that took 40 ms for a 1469×720
// PNG alone, and 90 ms while the page was being copied beside it, for an
// image that then went in as it was. The headers of PNG, JPEG and WebP
// files say it in their first bytes.
//
// The size is the one the browser draws: a JPEG whose EXIF orientation turns
// it a quarter (5-8) has its sides swapped. When that cannot be read for
// certain (AVIF, an EXIF block it cannot follow, a WebP with EXIF), the
// answer is null and the image is decoded instead.

// Enough for a JPEG's EXIF and colour profile before its frame header, as a rule.
export const HEADER_BYTES = 256 * 1024;

/** {width, height} of the image in `bytes` (a Uint8Array of its start), or null. */
export function naturalSize(bytes) {
  if (isPng(bytes)) return pngSize(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return webpSize(bytes);
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(b) {
  return PNG_SIGNATURE.every((v, i) => b[i] === v);
}

// The first chunk is IHDR: width and height, 4 bytes each, big-endian.
function pngSize(b) {
  if (b.length < 24 || ascii(b, 12, 4) !== "IHDR") return null;
  return positive(u32be(b, 16), u32be(b, 20));
}

// Markers after which the frame's size follows: SOF0-SOF15, less DHT (C4), JPG (C8) and DAC (CC).
const isStartOfFrame = (m) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegSize(b) {
  let orientation = 1;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // no length
      continue;
    }
    const length = u16be(b, at + 2);
    if (length < 2) return null;
    const body = at + 4;
    if (marker === 0xe1 && ascii(b, body, 6) === "Exif\0\0") {
      orientation = exifOrientation(b, body + 6, Math.min(b.length, at + 2 + length));
      if (orientation == null) return null;
    }
    if (isStartOfFrame(marker)) {
      if (body + 5 > b.length) return null;
      const size = positive(u16be(b, body + 3), u16be(b, body + 1));
      if (!size) return null;
      return orientation >= 5 ? { width: size.height, height: size.width } : size;
    }
    if (marker === 0xda) return null; // image data before any frame header
    at += 2 + length;
  }
  return null;
}

// The Orientation tag (0x0112) of IFD0 in the TIFF block at `tiff`; 1 when absent; null when unreadable.
function exifOrientation(b, tiff, end) {
  const order = ascii(b, tiff, 2);
  if (order !== "II" && order !== "MM") return null;
  const little = order === "II";
  const u16 = (o) => (little ? b[o] | (b[o + 1] << 8) : u16be(b, o));
  const u32 = (o) => (little ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0 : u32be(b, o));
  if (tiff + 8 > end || u16(tiff + 2) !== 42) return null;
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function webpSize(b) {
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 " && b.length >= 30) {
    // A key frame: the start code, then 14-bit width and height (little-endian, 2 bits of scale above).
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return positive((b[26] | (b[27] << 8)) & 0x3fff, (b[28] | (b[29] << 8)) & 0x3fff);
  }
  if (chunk === "VP8L" && b.length >= 25) {
    if (b[20] !== 0x2f) return null;
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return positive((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X" && b.length >= 30) {
    if (b[20] & 0x08) return null; // EXIF: its orientation is not read here
    return positive(1 + (b[24] | (b[25] << 8) | (b[26] << 16)), 1 + (b[27] | (b[28] << 8) | (b[29] << 16)));
  }
  return null;
}

function positive(width, height) {
  return width > 0 && height > 0 ? { width, height } : null;
}

function ascii(b, at, n) {
  let s = "";
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function u16be(b, o) {
  return (b[o] << 8) | b[o + 1];
}

function u32be(b, o) {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
