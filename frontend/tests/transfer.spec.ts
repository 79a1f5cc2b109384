// Import and export: a CSV export of the filtered dataset, a CSV import followed to the end of
// its job, and a malformed import refused in words.
import { readFileSync } from 'node:fs';
import { expect, getItem, test, uploadViaApi } from './support/fixtures';
import { sceneFiles } from './support/png';

test('export the dataset as CSV and import annotations from a CSV', async ({ page, api, project }) => {
  const [a, b] = await uploadViaApi(api, project.id, sceneFiles(2, 'transfer'));
  if (!a || !b) throw new Error('upload failed');
  await api.patch(`/api/v1/projects/${project.id}/items/${a.id}/annotations`, { data: { labels: ['heron'] } });

  // Export only the items with the label "heron", as the dataset filter says.
  await page.goto(`/projects/${project.id}?label=heron`);
  await expect(page.locator('.toolbar-count')).toHaveText('1 item matches the filters');
  await page.getByRole('link', { name: 'Import & export' }).first().click();
  await expect(page.getByRole('heading', { name: 'Export', exact: true })).toBeVisible();
  await page.getByLabel('CSV only (no images)').check();
  await expect(page.getByLabel(/Only the items matching the dataset filters/)).toBeChecked();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download export' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toContain('filename');
  expect(csv).toContain(a.filename);
  expect(csv).not.toContain(b.filename);

  // Import a CSV that annotates the other image (matched by file name), and follow the job.
  await page.getByLabel('Dataset file (zip or CSV)').setInputFiles({
    name: 'labels.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`filename,labels,keywords\n${b.filename},egret,wading;white\n`),
  });
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('Import succeeded')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/1 updated/)).toBeVisible();
  const imported = await getItem(api, project.id, b.id);
  expect(imported.labels).toEqual(['egret']);
  expect(imported.keywords.sort()).toEqual(['wading', 'white']);
});

test('a malformed import is refused in words', async ({ page, project }) => {
  await page.goto(`/projects/${project.id}/transfer`);
  await page.getByLabel('Dataset file (zip or CSV)').setInputFiles({
    name: 'broken.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from('not really a zip archive'),
  });
  await page.getByRole('button', { name: 'Import' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The import was refused');
  await expect(alert).not.toContainText('undefined');
});
