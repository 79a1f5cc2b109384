// Similar-image search: an embedding space created from the UI (the MobileNetV2 whose weights
// ship offline), "find similar" from an item, scored results, labelling the selected results,
// filters, and a search by an uploaded image.
import type { Page } from '@playwright/test';
import { expect, listItems, screenshot, test, uploadViaApi } from './support/fixtures';
import { sceneFiles } from './support/png';

const results = (page: Page) => page.getByRole('list', { name: 'Search results' }).getByRole('listitem');

async function resultImagesLoaded(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.locator('.result-grid img').evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)),
    )
    .toBe(true);
}

test('search by an item and by an image, and label similar results together', async ({ page, api, project }) => {
  test.setTimeout(150_000);
  const items = await uploadViaApi(api, project.id, sceneFiles(10, 'shore', 200, 150));
  const first = items[0];
  if (!first) throw new Error('upload failed');
  await api.patch(`/api/v1/projects/${project.id}`, { data: { name: `Shore cameras ${project.id}` } });

  // No space yet: the search page says so and leads to the spaces page.
  await page.goto(`/projects/${project.id}/search`);
  await expect(page.getByRole('heading', { name: 'No embedding space yet' })).toBeVisible();
  await page.getByRole('link', { name: 'Set up a space' }).click();
  await expect(page.getByRole('heading', { name: 'Embedding spaces' })).toBeVisible();
  await expect(page.getByLabel('Feature extractor')).toHaveValue('0'); // MobileNetV2, ImageNet weights
  await expect(page.getByLabel('Make it the active space once built')).toBeChecked();
  await page.getByLabel('Name (optional)').fill('Shore MobileNetV2');
  await page.getByRole('button', { name: 'Create space' }).click();
  const card = page.getByRole('listitem', { name: /Shore MobileNetV2/ });
  await expect(card).toBeVisible();
  // The embedding job runs in the worker; the card follows it until the space is ready.
  await expect(card).toContainText('Status: ready, active', { timeout: 90_000 });
  await expect(card).toContainText('10 items embedded');
  await expect(card).toContainText('1280 dimensions');

  // "Find similar" from an item: the item itself first (score 1), then the others by score.
  await page.goto(`/projects/${project.id}/items/${first.id}`);
  await page.getByRole('link', { name: 'Find similar' }).click();
  await expect(page).toHaveURL(new RegExp(`/search\\?.*item=${first.id}`));
  await expect(page.getByRole('radio', { name: 'Similar to an item' })).toBeChecked();
  await expect(page.getByRole('link', { name: first.filename, exact: true })).toBeVisible();
  await expect(results(page)).toHaveCount(10);
  await expect(page.locator('.search-count')).toHaveText(/^10 results · (hnsw|exact)/);
  await expect(results(page).first()).toHaveAccessibleName(`${first.filename}, score 1.000`);
  await expect(results(page).first()).toContainText('query');
  const scores = await page.locator('.result-grid .chip.score').allInnerTexts();
  const values = scores.map((s) => Number(s.replace(/[^\d.-]/g, '')));
  expect(values).toHaveLength(10);
  expect([...values].sort((a, b) => b - a)).toEqual(values);

  // Leave the item itself out.
  await page.getByLabel('Leave the item itself out').click();
  await expect(page.getByLabel('Leave the item itself out')).toBeChecked();
  await expect(results(page)).toHaveCount(9);
  await expect(results(page).first()).not.toContainText('query');

  // Select the three best matches (click, shift-click) and label them together.
  await results(page).nth(0).getByRole('checkbox').click();
  await results(page).nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
  const bar = page.getByRole('region', { name: 'Selected results' });
  await expect(bar).toContainText('3 results selected');
  const chosen = await Promise.all(
    [0, 1, 2].map(async (i) => ((await results(page).nth(i).getAttribute('aria-label')) ?? '').split(',')[0]),
  );
  await bar.getByRole('combobox', { name: 'Label for selected items' }).fill('heron');
  await bar.getByRole('button', { name: 'Add label' }).click();
  await expect(bar).toContainText('Labelled “heron”: 3 items updated.');
  await resultImagesLoaded(page);
  await screenshot(page, 'search.png');
  const labelled = (await listItems(api, project.id, 'label=heron')).items.map((i) => i.filename).sort();
  expect(labelled).toEqual([...chosen].sort());

  // The same three show the same thing as the query: positive pairs for triplet training.
  await bar.getByRole('button', { name: 'Same object as the query item' }).click();
  await expect(bar).toContainText(`Paired with item #${first.id}: 3 new pairs.`);
  const pairs = await (await api.get(`/api/v1/projects/${project.id}/positive-pairs?item_id=${first.id}`)).json();
  expect(pairs.total).toBe(3);

  // The dataset filters narrow the search: only the labelled items (the query excluded).
  await page.keyboard.press('Escape');
  await expect(bar).toBeHidden();
  await page.getByRole('combobox', { name: 'Label', exact: true }).selectOption('heron');
  await expect(page.locator('.search-count')).toHaveText(/^3 results among the filtered items/);
  await expect(results(page)).toHaveCount(3);

  // Search by an uploaded image: the same picture as an item finds that item first.
  await page.getByRole('combobox', { name: 'Label', exact: true }).selectOption('');
  await page.getByRole('radio', { name: 'An image' }).click();
  await expect(page.getByRole('radio', { name: 'An image' })).toBeChecked();
  await expect(page.getByText('Choose, drop or paste an image.')).toBeVisible();
  const again = sceneFiles(10, 'shore', 200, 150); // new random salt: similar scenes, not identical
  await page.getByLabel('Image to search with').setInputFiles({ name: 'query.png', mimeType: 'image/png', buffer: again[3]?.buffer ?? Buffer.alloc(0) });
  await expect(page.getByRole('img', { name: 'Query image query.png' })).toBeVisible();
  await expect(results(page)).toHaveCount(10);
  await expect(page.locator('.search-count')).toHaveText(/^10 results/);

  // The item page lists its pairs; one is undone there, and pairing an item with itself is refused.
  await page.goto(`/projects/${project.id}/items/${first.id}`);
  const paired = page.getByRole('list', { name: 'Paired items' }).getByRole('listitem');
  await expect(paired).toHaveCount(3);
  await paired.first().getByRole('button', { name: /^Unpair item #/ }).click();
  await expect(paired).toHaveCount(2);
  await page.getByLabel('Pair with item ids').fill(String(first.id));
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'An item cannot be paired with itself.' })).toBeVisible();
  await page.goto(`/projects/${project.id}/search?item=${first.id}`);

  // Text needs a CLIP space: the page says why instead of failing.
  await page.getByRole('radio', { name: 'Text' }).click();
  await expect(page.getByRole('radio', { name: 'Text' })).toBeChecked();
  await expect(page.getByText('mobilenet_v2 reads images only')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Search', exact: true })).toBeDisabled();
});
