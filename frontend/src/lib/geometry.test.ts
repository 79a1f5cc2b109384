import { describe, expect, it } from 'vitest';
import { clampRect, fitSize, handlePoint, moveRect, rectFromPoints, resizeRect, toImagePoint } from './geometry';

const image = { width: 200, height: 100 };

describe('box geometry', () => {
  it('builds a box from two corners in any order, in whole pixels inside the image', () => {
    expect(rectFromPoints({ x: 50.4, y: 60.6 }, { x: 10.2, y: 20.5 }, image)).toEqual({ x: 10, y: 21, w: 40, h: 40 });
    expect(rectFromPoints({ x: -20, y: -5 }, { x: 500, y: 500 }, image)).toEqual({ x: 0, y: 0, w: 200, h: 100 });
  });

  it('never makes an empty box', () => {
    expect(rectFromPoints({ x: 5, y: 5 }, { x: 5, y: 5 }, image)).toEqual({ x: 5, y: 5, w: 1, h: 1 });
    expect(clampRect({ x: 199.9, y: 99.9, w: 10, h: 10 }, image)).toEqual({ x: 199, y: 99, w: 1, h: 1 });
  });

  it('moves a box but stops it at the edges, keeping its size', () => {
    const box = { x: 10, y: 10, w: 50, h: 30 };
    expect(moveRect(box, 5.4, -3.6, image)).toEqual({ x: 15, y: 6, w: 50, h: 30 });
    expect(moveRect(box, 1000, 1000, image)).toEqual({ x: 150, y: 70, w: 50, h: 30 });
    expect(moveRect(box, -1000, -1000, image)).toEqual({ x: 0, y: 0, w: 50, h: 30 });
  });

  it('resizes from a handle, keeping the opposite edges, flipping past them', () => {
    const box = { x: 10, y: 10, w: 50, h: 30 };
    expect(resizeRect(box, 'se', { x: 80, y: 60 }, image)).toEqual({ x: 10, y: 10, w: 70, h: 50 });
    expect(resizeRect(box, 'n', { x: 999, y: 0 }, image)).toEqual({ x: 10, y: 0, w: 50, h: 40 });
    expect(resizeRect(box, 'w', { x: 100, y: 0 }, image)).toEqual({ x: 60, y: 10, w: 40, h: 30 });
  });

  it('places handles on corners and edge midpoints', () => {
    const box = { x: 10, y: 20, w: 40, h: 30 };
    expect(handlePoint(box, 'nw')).toEqual({ x: 10, y: 20 });
    expect(handlePoint(box, 's')).toEqual({ x: 30, y: 50 });
    expect(handlePoint(box, 'e')).toEqual({ x: 50, y: 35 });
  });

  it('turns a pointer position over the shown image into image pixels', () => {
    const bounds = { left: 100, top: 50, width: 400, height: 200 };
    expect(toImagePoint({ x: 300, y: 150 }, bounds, image)).toEqual({ x: 100, y: 50 });
    expect(toImagePoint({ x: 0, y: 999 }, bounds, image)).toEqual({ x: 0, y: 100 });
  });

  it('fits the image into the space, keeping its aspect ratio', () => {
    expect(fitSize(image, { width: 1000, height: 1000 })).toEqual({ width: 1000, height: 500 });
    expect(fitSize(image, { width: 100, height: 1000 })).toEqual({ width: 100, height: 50 });
    expect(fitSize(image, { width: 0, height: 10 })).toEqual({ width: 0, height: 0 });
  });
});
