// The dataset screen: filters, multi-select with bulk actions, drag-and-drop upload with
// per-file errors, and the layout on a narrow window.
import type { Page } from '@playwright/test';
import { expect, listItems, screenshot, test, thumbnailsLoaded, uploadViaApi, type ItemJson } from './support/fixtures';
import { sceneFiles, type TestFile } from './support/png';

const tiles = (page: Page) => page.getByRole('list', { name: 'Items' }).getByRole('listitem');
const count = (page: Page, text: string | RegExp) => expect(page.locator('.toolbar-count')).toHaveText(text);

async function seed(api: Parameters<typeof uploadViaApi>[0], projectId: number): Promise<ItemJson[]> {
  const items = await uploadViaApi(api, projectId, sceneFiles(8, 'cam'));
  for (const [i, item] of items.entries()) {
    await api.patch(`/api/v1/projects/${projectId}/items/${item.id}`, {
      data: { metadata: { camera: i % 2 ? 'B' : 'A' }, measurements: { temperature_c: 10 + i * 2 } },
    });
    if (i < 3) {
      await api.patch(`/api/v1/projects/${projectId}/items/${item.id}/annotations`, {
        data: { labels: ['cat'], add_keywords: ['indoor'], split: 'train' },
      });
    }
  }
  return items;
}

test('filter by label, reading, metadata and annotation state', async ({ page, api, project }) => {
  await seed(api, project.id);
  await page.goto(`/projects/${project.id}`);
  await count(page, '8 items');

  await page.getByLabel('Label').selectOption('cat');
  await count(page, '3 items match the filters');
  await expect(page).toHaveURL(/label=cat/);
  await expect(tiles(page)).toHaveCount(3);

  await page.getByLabel('Annotation').selectOption('false');
  await count(page, '0 items match the filters');
  await expect(page.getByText('No items match these filters')).toBeVisible();
  await page.getByRole('button', { name: /Clear all/ }).click();
  await count(page, '8 items');

  // temperature_c is 10, 12, ... 24: at least 20 leaves 3.
  await page.getByLabel('Reading name').fill('temperature_c');
  await page.getByLabel('Minimum').fill('20');
  await page.getByRole('button', { name: 'Add reading filter' }).click();
  await count(page, '3 items match the filters');
  await expect(page).toHaveURL(/measurement=temperature_c%3A20%3A/);

  await page.getByLabel('Metadata key').fill('camera');
  await page.getByLabel('Metadata value').fill('A');
  await page.getByRole('button', { name: 'Add metadata filter' }).click();
  const expected = (await listItems(api, project.id, 'measurement=temperature_c:20:&metadata=camera:A')).total;
  await count(page, `${expected} ${expected === 1 ? 'item matches' : 'items match'} the filters`);

  // The filters live in the URL: a reload keeps them.
  await page.reload();
  await count(page, `${expected} ${expected === 1 ? 'item matches' : 'items match'} the filters`);
  await page.getByRole('button', { name: 'Remove reading filter temperature_c' }).click();
  await page.getByRole('button', { name: 'Remove metadata filter camera' }).click();
  await count(page, '8 items');

  // Keyword filter with autocomplete.
  const keyword = page.getByRole('combobox', { name: 'Keyword' });
  await keyword.fill('ind');
  await page.getByRole('option', { name: /indoor/ }).click();
  await count(page, '3 items match the filters');
});

test('select items and label, keyword, split or delete them together', async ({ page, api, project }) => {
  await seed(api, project.id);
  await api.patch(`/api/v1/projects/${project.id}`, { data: { name: `River cameras ${project.id}` } });
  await page.goto(`/projects/${project.id}`);
  await count(page, '8 items');
  const ids = (await listItems(api, project.id)).items.map((i) => i.id);

  // Click the first, shift-click the fourth: four selected.
  await tiles(page).nth(0).getByRole('checkbox').click();
  await tiles(page).nth(3).getByRole('checkbox').click({ modifiers: ['Shift'] });
  const bar = page.getByRole('region', { name: 'Selected items' });
  await expect(bar).toContainText('4 items selected');

  await bar.getByRole('combobox', { name: 'Label for selected items' }).fill('dog');
  await bar.getByRole('button', { name: 'Add label' }).click();
  await expect(bar).toContainText('Added label “dog”: 4 items updated.');
  await bar.getByRole('combobox', { name: 'Keyword for selected items' }).fill('outdoor');
  await bar.getByRole('button', { name: 'Add keyword' }).click();
  await expect(bar).toContainText('Added keyword “outdoor”: 4 items updated.');
  await bar.getByLabel('Split for selected items').selectOption('val');
  await bar.getByRole('button', { name: 'Set split' }).click();
  await expect(bar).toContainText('Moved to val: 4 items updated.');

  const after = (await listItems(api, project.id)).items;
  for (const id of ids.slice(0, 4)) {
    const item = after.find((i) => i.id === id);
    expect(item?.labels).toContain('dog');
    expect(item?.keywords).toContain('outdoor');
    expect(item?.split).toBe('val');
  }
  expect(after.filter((i) => i.labels.includes('dog'))).toHaveLength(4);

  // Select all matching, then clear; Escape clears too.
  await bar.getByRole('button', { name: 'Select all 8' }).click();
  await expect(bar).toContainText('8 items selected');
  await page.keyboard.press('Escape');
  await expect(bar).toBeHidden();

  // Screenshot with a selection showing.
  await tiles(page).nth(1).getByRole('checkbox').click();
  await tiles(page).nth(2).getByRole('checkbox').click();
  await thumbnailsLoaded(page);
  await screenshot(page, 'dataset.png');

  // Delete the two, after confirming.
  await bar.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete items?' });
  await dialog.getByRole('button', { name: 'Delete 2 items' }).click();
  await count(page, '6 items');
  expect((await listItems(api, project.id)).total).toBe(6);
});

test('upload by drag and drop, with each file’s progress and errors', async ({ page, project }) => {
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByText('No images yet')).toBeVisible();
  const files: TestFile[] = [
    ...sceneFiles(2, 'dropped'),
    { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG') },
    { name: 'dataset.zip', mimeType: 'application/zip', buffer: Buffer.from('PK') },
  ];
  const payload = files.map((f) => ({ name: f.name, type: f.mimeType, b64: f.buffer.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, payload);
  const zone = page.locator('.drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await expect(page.locator('.drop-hint')).toBeVisible();
  await zone.dispatchEvent('drop', { dataTransfer });
  await expect(page.locator('.drop-hint')).toBeHidden();

  const uploads = page.getByRole('region', { name: 'Uploads' });
  await expect(uploads.locator('[data-status="done"]')).toHaveCount(2);
  await expect(uploads.locator('[data-status="failed"]')).toHaveCount(2);
  const broken = uploads.locator('li', { hasText: 'broken.png' });
  await expect(broken.getByRole('alert')).toHaveText(/\w+/); // the server's reason, in words
  await expect(uploads.locator('li', { hasText: 'dataset.zip' }).getByRole('alert')).toHaveText(
    'archives and CSV files go through Import & export',
  );
  await count(page, '2 items');

  // Dropping the same image again is recognised as a duplicate.
  await zone.dispatchEvent('drop', { dataTransfer: await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    const f = list[0];
    if (f) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    return dt;
  }, payload) });
  await expect(uploads.locator('[data-status="duplicate"]')).toHaveCount(1);
  await uploads.getByRole('button', { name: 'Clear finished' }).click();
  await expect(uploads.locator('[data-status="done"]')).toHaveCount(0);
  await expect(uploads.locator('[data-status="failed"]')).toHaveCount(2);
});

test('works on a narrow window', async ({ page, api, project }) => {
  const [item] = await seed(api, project.id);
  await api.patch(`/api/v1/projects/${project.id}`, { data: { name: `River cameras ${project.id}` } });
  await page.setViewportSize({ width: 390, height: 820 });
  await page.goto(`/projects/${project.id}`);
  await count(page, '8 items');
  const toggle = page.getByRole('button', { name: 'Filters' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByLabel('Label')).toBeHidden();
  await toggle.click();
  await expect(page.getByLabel('Label')).toBeVisible();
  await toggle.click();
  await thumbnailsLoaded(page);
  await screenshot(page, 'dataset-narrow.png');

  await page.goto(`/projects/${project.id}/items/${item?.id}?i=0`);
  await expect(page.getByTestId('box-canvas')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Keywords' })).toBeAttached();
  const canvas = await page.getByTestId('box-canvas').boundingBox();
  expect(canvas?.width ?? 0).toBeLessThanOrEqual(390);
  expect(canvas?.width ?? 0).toBeGreaterThan(200);
  await screenshot(page, 'item-annotation-narrow.png');
});
