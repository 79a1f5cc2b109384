// Box geometry in pixels of the original image: (x, y) is the top-left corner. Every result lies
// inside the image and has whole-pixel coordinates, as the API requires (boxes inside the image).

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Size {
  width: number;
  height: number;
}

export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Whole pixels, at least 1x1, inside the image. */
export function clampRect(rect: Rect, image: Size): Rect {
  const x = clamp(Math.round(rect.x), 0, image.width - 1);
  const y = clamp(Math.round(rect.y), 0, image.height - 1);
  const w = clamp(Math.round(rect.w), 1, image.width - x);
  const h = clamp(Math.round(rect.h), 1, image.height - y);
  return { x, y, w, h };
}

/** The box spanned by two corners, in any order, cut to the image. */
export function rectFromPoints(a: Point, b: Point, image: Size): Rect {
  const x1 = clamp(Math.min(a.x, b.x), 0, image.width);
  const y1 = clamp(Math.min(a.y, b.y), 0, image.height);
  const x2 = clamp(Math.max(a.x, b.x), 0, image.width);
  const y2 = clamp(Math.max(a.y, b.y), 0, image.height);
  const left = Math.round(x1);
  const top = Math.round(y1);
  return clampRect({ x: left, y: top, w: Math.round(x2) - left, h: Math.round(y2) - top }, image);
}

/** Shift a box, stopping at the image's edges (it keeps its size). */
export function moveRect(rect: Rect, dx: number, dy: number, image: Size): Rect {
  const x = clamp(Math.round(rect.x + dx), 0, Math.max(0, image.width - rect.w));
  const y = clamp(Math.round(rect.y + dy), 0, Math.max(0, image.height - rect.h));
  return clampRect({ ...rect, x, y }, image);
}

/** Drag one handle to `to`; the opposite edges stay put. Dragging past them flips the box. */
export function resizeRect(rect: Rect, handle: Handle, to: Point, image: Size): Rect {
  let left = rect.x;
  let top = rect.y;
  let right = rect.x + rect.w;
  let bottom = rect.y + rect.h;
  if (handle.includes('w')) left = to.x;
  if (handle.includes('e')) right = to.x;
  if (handle.startsWith('n')) top = to.y;
  if (handle.startsWith('s')) bottom = to.y;
  return rectFromPoints({ x: left, y: top }, { x: right, y: bottom }, image);
}

/** Where a handle sits on a box. */
export function handlePoint(rect: Rect, handle: Handle): Point {
  const x = handle.includes('w') ? rect.x : handle.includes('e') ? rect.x + rect.w : rect.x + rect.w / 2;
  const y = handle.startsWith('n') ? rect.y : handle.startsWith('s') ? rect.y + rect.h : rect.y + rect.h / 2;
  return { x, y };
}

/** A pointer position over an element showing the whole image, in image pixels. */
export function toImagePoint(
  client: Point,
  bounds: { left: number; top: number; width: number; height: number },
  image: Size,
): Point {
  const x = ((client.x - bounds.left) / Math.max(1, bounds.width)) * image.width;
  const y = ((client.y - bounds.top) / Math.max(1, bounds.height)) * image.height;
  return { x: clamp(x, 0, image.width), y: clamp(y, 0, image.height) };
}

/** The largest size with the image's aspect ratio that fits the available space. */
export function fitSize(image: Size, available: Size): Size {
  if (image.width <= 0 || image.height <= 0 || available.width <= 0 || available.height <= 0) {
    return { width: 0, height: 0 };
  }
  const scale = Math.min(available.width / image.width, available.height / image.height);
  return { width: Math.floor(image.width * scale), height: Math.floor(image.height * scale) };
}
