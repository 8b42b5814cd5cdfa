// The two fallbacks when DOM capture fails or the visitor prefers them. Both
// end as a picture of a canvas (app/picture.js) that goes through the same
// redaction and encryption.
import { canvasPicture } from "./picture.js";

/** Whether the browser can share the tab at all (desktop, secure context, not blocked by permissions policy). */
export function canShareScreen() {
  return !!(window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
}

/**
 * One frame of this tab via getDisplayMedia. hide/show hide our dialog while
 * the frame is taken. Resolves to {picture, devicePixelRatio} where the ratio
 * is frame width / viewport width, so CSS-pixel boxes still line up.
 */
export async function captureDisplay({ hide, show }) {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { displaySurface: "browser" },
    audio: false,
    preferCurrentTab: true,
    selfBrowserSurface: "include",
    surfaceSwitching: "exclude",
  });
  try {
    hide();
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    // Two frames so the hidden dialog is gone from the picture.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await new Promise((r) => setTimeout(r, 150));
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    return { picture: canvasPicture(canvas), devicePixelRatio: canvas.width / window.innerWidth };
  } finally {
    for (const track of stream.getTracks()) track.stop();
    show();
  }
}

const MAX_UPLOAD_SIDE = 4096;

/** An image file chosen by the visitor, scaled down to at most 4096 px a side. */
export async function captureUpload(file) {
  if (!file || !/^image\//.test(file.type)) throw new Error("not_an_image");
  const bitmap = await decodeImage(file);
  const w = bitmap.naturalWidth || bitmap.width,
    h = bitmap.naturalHeight || bitmap.height;
  if (!w || !h) throw new Error("empty_image");
  const scale = Math.min(1, MAX_UPLOAD_SIDE / Math.max(w, h));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(w * scale));
  canvas.height = Math.max(1, Math.round(h * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close?.();
  return { picture: canvasPicture(canvas), devicePixelRatio: 1 };
}

// createImageBitmap refuses SVG files in Chromium; an <img> on a blob: URL takes them.
async function decodeImage(file) {
  try {
    return await createImageBitmap(file);
  } catch {
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}
