// Small test images without image libraries: an RGB PNG drawn by a function of (x, y).
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export type Paint = (x: number, y: number) => [number, number, number];

export function png(width: number, height: number, paint: Paint): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = paint(x, y);
      rows[row + 1 + x * 3] = r;
      rows[row + 2 + x * 3] = g;
      rows[row + 3 + x * 3] = b;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A sky-over-ground scene with a sun, varied by `seed` so every image has its own bytes. */
export function scene(width: number, height: number, seed: number): Buffer {
  const hue = (seed * 47) % 255;
  const sunX = width * (0.25 + ((seed * 13) % 50) / 100);
  const sunY = height * 0.3;
  const radius = Math.min(width, height) * 0.12;
  const horizon = height * (0.55 + ((seed * 7) % 20) / 100);
  return png(width, height, (x, y) => {
    if (Math.hypot(x - sunX, y - sunY) < radius) return [250, 210, 80];
    if (y < horizon) {
      const t = y / horizon;
      return [Math.round(90 + 80 * t), Math.round(150 + 60 * t), 235];
    }
    const t = (y - horizon) / (height - horizon);
    return [Math.round((hue + 40 * t) % 255), Math.round(120 - 40 * t), Math.round(60 + (seed % 5) * 20)];
  });
}

export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export function sceneFiles(count: number, prefix: string, width = 240, height = 160): TestFile[] {
  const salt = Math.floor(Math.random() * 1_000_000);
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}.png`,
    mimeType: 'image/png',
    buffer: scene(width, height, salt + i),
  }));
}
