// The flow: create a project, upload images, draw a box, add keywords — through the UI,
// checking what the server stored after each step.
import { expect, getItem, listItems, screenshot, test, thumbnailsLoaded, uploadViaApi, type ItemJson } from './support/fixtures';
import { sceneFiles } from './support/png';

test('create a project, upload images, draw and edit boxes, add keywords', async ({ page, api }) => {
  const name = `Street scenes ${Date.now()}`;

  // Create a project.
  await page.goto('/');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('Cameras along the river, with temperature readings');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByText('No images yet')).toBeVisible();
  const projectId = Number(/\/projects\/(\d+)/.exec(page.url())?.[1]);
  expect(projectId).toBeGreaterThan(0);

  try {
    // Upload images: each file gets its own row, finishing as "uploaded".
    const files = sceneFiles(6, 'scene', 240, 160);
    await page.getByTestId('upload-input').setInputFiles(files);
    const uploads = page.getByRole('region', { name: 'Uploads' });
    await expect(uploads.locator('[data-status="done"]')).toHaveCount(6);
    await expect(page.getByRole('status').filter({ hasText: /^6 items$/ })).toBeVisible();
    await expect(page.getByRole('listitem').filter({ has: page.locator('.tile-link') })).toHaveCount(6);
    await thumbnailsLoaded(page);

    // Open the first image of the grid (uploads run in parallel, so any of them), after giving
    // it metadata and sensor readings as a device would.
    const [first, second] = (await listItems(api, projectId)).items as [ItemJson, ItemJson];
    const readings = { temperature_c: 18.4, humidity_pct: 61, lux: 5400 };
    await api.patch(`/api/v1/projects/${projectId}/items/${first.id}`, {
      data: { metadata: { camera: 'bridge-2', site: 'north bank' }, measurements: readings, text: 'Evening, light traffic' },
    });
    await page.getByRole('list', { name: 'Items' }).getByRole('link', { name: first.filename }).click();
    await expect(page.getByRole('heading', { name: first.filename })).toBeVisible();
    await expect(page.getByText('1 of 6')).toBeVisible();
    const sensors = page.getByRole('region', { name: 'Sensor readings' });
    await expect(sensors).toContainText('temperature_c');
    await expect(sensors).toContainText('18.4');
    await expect(page.getByRole('region', { name: 'Metadata' })).toContainText('bridge-2');

    // A class to draw with.
    await page.getByLabel('New class').fill('car');
    await page.getByRole('button', { name: 'Add class' }).click();
    await expect(page.getByRole('button', { name: /^car/ })).toBeVisible();
    await expect(page.getByLabel('Class for new boxes')).toHaveValue('car');

    // Draw a box from 25%,25% to 75%,75% of the image: (60,40) 120x80 in image pixels.
    const canvas = page.getByTestId('box-canvas');
    await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeGreaterThan(300); // laid out
    const area = await canvas.boundingBox();
    if (!area) throw new Error('the canvas has no size');
    const at = (fx: number, fy: number) => [area.x + area.width * fx, area.y + area.height * fy] as const;
    await page.mouse.move(...at(0.25, 0.25));
    await page.mouse.down();
    await page.mouse.move(...at(0.5, 0.5), { steps: 4 });
    await page.mouse.move(...at(0.75, 0.75), { steps: 4 });
    await page.mouse.up();
    await expect(page.getByRole('heading', { name: 'Boxes (1)' })).toBeVisible();
    await expect
      .poll(async () => (await getItem(api, projectId, first.id)).boxes)
      .toEqual([{ id: expect.any(Number), label: 'car', x: 60, y: 40, w: 120, h: 80 }]);

    // Move it right by 10% of the width (24 px), then shrink it from its bottom-right handle.
    await page.mouse.move(...at(0.5, 0.5));
    await page.mouse.down();
    await page.mouse.move(...at(0.55, 0.5), { steps: 3 });
    await page.mouse.move(...at(0.6, 0.5), { steps: 3 });
    await page.mouse.up();
    await expect.poll(async () => (await getItem(api, projectId, first.id)).boxes[0]?.x).toBe(84);
    const handle = await page.locator('[data-handle="se"]').boundingBox();
    if (!handle) throw new Error('no resize handle on the selected box');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(...at(0.75, 0.7), { steps: 4 });
    await page.mouse.up();
    await expect
      .poll(async () => (await getItem(api, projectId, first.id)).boxes.map(({ x, y, w, h }) => [x, y, w, h]))
      .toEqual([[84, 40, 96, 72]]);

    // Keywords: type and press Enter; Escape leaves the field so shortcuts work again.
    const keyword = page.getByRole('combobox', { name: 'Add keyword' });
    await keyword.fill('sunset');
    await keyword.press('Enter');
    await keyword.fill('river');
    await keyword.press('Enter');
    await keyword.press('Escape');
    await expect(page.getByRole('list', { name: 'keywords' }).getByRole('listitem')).toHaveText([/sunset/, /river/]);
    await expect.poll(async () => (await getItem(api, projectId, first.id)).keywords.sort()).toEqual(['river', 'sunset']);

    // The class hotkey labels the whole image; the shortcut for the next image moves on.
    await page.keyboard.press('Escape'); // deselect the box: class keys now apply to the image
    await expect(page.locator('[data-handle]')).toHaveCount(0);
    await page.keyboard.press('1');
    await expect(page.getByRole('button', { name: /^car/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText('Saved', { exact: true })).toBeVisible();
    await screenshot(page, 'item-annotation.png');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('heading', { name: second.filename })).toBeVisible();
    await expect(page.getByText('2 of 6')).toBeVisible();

    // Autocomplete offers the project's vocabulary.
    await keyword.fill('sun');
    const option = page.getByRole('option', { name: /sunset/ });
    await expect(option).toBeVisible();
    await option.click();
    await expect(page.getByRole('list', { name: 'keywords' })).toContainText('sunset');
    await keyword.press('Escape');
    await expect.poll(async () => (await getItem(api, projectId, second.id)).keywords).toEqual(['sunset']);

    // Back, and the first image kept everything.
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('heading', { name: first.filename })).toBeVisible();
    const saved = await getItem(api, projectId, first.id);
    expect(saved.labels).toEqual(['car']);
    expect(saved.boxes).toHaveLength(1);
    await expect(page.getByRole('heading', { name: 'Boxes (1)' })).toBeVisible();
  } finally {
    await api.delete(`/api/v1/projects/${projectId}`);
  }
});

test('delete a box with the keyboard, undo and redo', async ({ page, api, project }) => {
  const [item] = await uploadViaApi(api, project.id, sceneFiles(1, 'undo', 200, 200));
  if (!item) throw new Error('upload failed');
  await api.put(`/api/v1/projects/${project.id}/items/${item.id}/annotations`, {
    data: { labels: [], keywords: [], boxes: [{ label: 'tree', x: 20, y: 20, w: 60, h: 60 }] },
  });
  await page.goto(`/projects/${project.id}/items/${item.id}?i=0`);
  await expect(page.getByRole('heading', { name: 'Boxes (1)' })).toBeVisible();

  await page.getByRole('button', { name: 'Box 1', exact: true }).click();
  await expect(page.locator('[data-handle]')).toHaveCount(8);
  await page.keyboard.press('Delete');
  await expect(page.getByRole('heading', { name: 'Boxes (0)' })).toBeVisible();
  await expect.poll(async () => (await getItem(api, project.id, item.id)).boxes).toHaveLength(0);

  await page.keyboard.press('Control+z');
  await expect(page.getByRole('heading', { name: 'Boxes (1)' })).toBeVisible();
  await expect.poll(async () => (await getItem(api, project.id, item.id)).boxes).toHaveLength(1);

  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByRole('heading', { name: 'Boxes (0)' })).toBeVisible();
  await expect.poll(async () => (await getItem(api, project.id, item.id)).boxes).toHaveLength(0);

  // The shortcut list is one key away.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
});
