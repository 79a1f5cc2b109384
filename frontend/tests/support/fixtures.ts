// Shared fixtures: an API client for setting up and checking state, a fresh project per test,
// and the API token (when the suite runs against a server that needs one).
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestFile } from './png';

export const TOKEN = process.env.MIRERU_E2E_TOKEN ?? '';
export const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

export interface ProjectRef {
  id: number;
  name: string;
}

export interface ItemJson {
  id: number;
  filename: string;
  labels: string[];
  keywords: string[];
  identity: string | null;
  split: string | null;
  boxes: { label: string; x: number; y: number; w: number; h: number }[];
}

interface Fixtures {
  api: APIRequestContext;
  project: ProjectRef;
}

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => {
    if (TOKEN) await page.addInitScript((token) => localStorage.setItem('mireru.apiToken', token), TOKEN);
    await use(page);
  },
  api: async ({ playwright, baseURL }, use) => {
    const api = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {},
    });
    await use(api);
    await api.dispose();
  },
  project: async ({ api }, use, testInfo) => {
    const name = `e2e ${testInfo.title.slice(0, 60)} ${Date.now()}`;
    const response = await api.post('/api/v1/projects', { data: { name, description: 'made by an end-to-end test' } });
    expect(response.status()).toBe(201);
    const project = (await response.json()) as ProjectRef;
    await use(project);
    await api.delete(`/api/v1/projects/${project.id}`);
  },
});

export { expect };

export async function uploadViaApi(api: APIRequestContext, projectId: number, files: TestFile[]): Promise<ItemJson[]> {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.buffer)], { type: f.mimeType }), f.name);
  const response = await api.post(`/api/v1/projects/${projectId}/items`, { multipart: form });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { items: ItemJson[] }).items;
}

export async function getItem(api: APIRequestContext, projectId: number, itemId: number): Promise<ItemJson> {
  const response = await api.get(`/api/v1/projects/${projectId}/items/${itemId}`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()) as ItemJson;
}

export async function listItems(api: APIRequestContext, projectId: number, query = ''): Promise<{ items: ItemJson[]; total: number }> {
  const response = await api.get(`/api/v1/projects/${projectId}/items?limit=500${query ? `&${query}` : ''}`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()) as { items: ItemJson[]; total: number };
}

/** Wait until every visible thumbnail has loaded, so a screenshot shows them. */
export async function thumbnailsLoaded(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.locator('.tile img').evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)),
    )
    .toBe(true);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, name) });
}
