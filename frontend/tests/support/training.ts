// What the specs that train models through the API share: labelled colour images, checked API
// calls, and the smallest classifier run.
import type { APIRequestContext } from '@playwright/test';
import { expect, type ItemJson } from './fixtures';
import { png, type TestFile } from './png';

/** The smallest classifier run: tiny-cnn (the defaults are a pretrained MobileNetV2) at its full
 * learning rate, 32 px, two epochs on the CPU. */
export const TINY_CLASSIFIER = {
  base_model: 'tiny-cnn',
  backbone_lr_scale: 1,
  epochs: 2,
  image_size: 32,
  batch_size: 8,
  num_workers: 0,
  device: 'cpu',
  augmentation: 'none',
};

/** Flat colour with a little noise, so that every file has its own bytes. */
export function colourFiles(prefix: string, rgb: [number, number, number], count: number, width = 48): TestFile[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}.png`,
    mimeType: 'image/png',
    buffer: png(width, 48, (x, y) => rgb.map((c) => Math.max(0, Math.min(255, c + (((x * 7 + y * 13 + i * 31) % 17) - 8)))) as [number, number, number]),
  }));
}

/** The response's JSON, failing the test with the status and body when it is not a 2xx. */
export async function ok(response: Awaited<ReturnType<APIRequestContext['get']>>): Promise<unknown> {
  expect(response.ok(), `${response.url()}: ${response.status()} ${await response.text()}`).toBeTruthy();
  return response.json();
}

export async function bulk(api: APIRequestContext, projectId: number, items: ItemJson[], patch: Record<string, unknown>): Promise<void> {
  await ok(await api.post(`/api/v1/projects/${projectId}/annotations/bulk`, { data: { item_ids: items.map((i) => i.id), ...patch } }));
}

/** Train a classifier on the labelled items and wait for it; returns its model version's id. */
export async function trainClassifier(api: APIRequestContext, projectId: number, params: Record<string, unknown> = TINY_CLASSIFIER): Promise<number> {
  const run = (await ok(await api.post(`/api/v1/projects/${projectId}/training-runs`, { data: { kind: 'classifier', params } }))) as { id: number };
  let done: { status: string; model_version_id: number | null } = { status: '', model_version_id: null };
  await expect
    .poll(
      async () => {
        done = (await ok(await api.get(`/api/v1/projects/${projectId}/training-runs/${run.id}`))) as typeof done;
        return ['succeeded', 'failed', 'cancelled'].includes(done.status);
      },
      { timeout: 150_000, intervals: [1000] },
    )
    .toBe(true);
  expect(done.status).toBe('succeeded');
  if (done.model_version_id === null) throw new Error('the run made no model version');
  return done.model_version_id;
}
