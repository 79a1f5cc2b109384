// Deploying with the deploy gate: the Deploy button first compares the version with what its slot
// serves on the held-out items and shows both figures in a dialog. Nothing deployed yet: the
// dialog says there is nothing to compare. A worse version: the dialog says so, and its confirm
// button forces the deploy. Two tiny classifiers are trained through the API, one of them while
// every label named the wrong colour, so it is the worse one whatever either learns.
import { expect, test, uploadViaApi } from './support/fixtures';
import { TINY_CLASSIFIER, bulk, colourFiles, ok, trainClassifier } from './support/training';

// Three epochs at lr 0.01: the correctly labelled version learns the colours.
const PARAMS = { ...TINY_CLASSIFIER, epochs: 3, lr: 0.01 };

test('deploying compares the version with the deployed one first', async ({ page, api, project }) => {
  test.setTimeout(300_000);
  const reds = await uploadViaApi(api, project.id, colourFiles('red', [220, 40, 40], 10));
  const blues = await uploadViaApi(api, project.id, colourFiles('blue', [40, 60, 220], 10));
  await bulk(api, project.id, [...reds.slice(0, 3), ...blues.slice(0, 3)], { split: 'val' });
  await bulk(api, project.id, [...reds.slice(3), ...blues.slice(3)], { split: 'train' });

  // v1 learns the colours the wrong way round; v2 learns them right.
  await bulk(api, project.id, reds, { labels: ['blue'] });
  await bulk(api, project.id, blues, { labels: ['red'] });
  await trainClassifier(api, project.id, PARAMS);
  await bulk(api, project.id, reds, { labels: ['red'] });
  await bulk(api, project.id, blues, { labels: ['blue'] });
  await trainClassifier(api, project.id, PARAMS);

  await page.goto(`/projects/${project.id}/models`);
  await expect(page.getByRole('heading', { name: 'Model versions' })).toBeVisible();

  // Nothing is deployed: the dialog says there is nothing to compare, and deploys on confirm.
  await page.getByRole('button', { name: 'Deploy v2 classifier' }).click();
  let dialog = page.getByRole('dialog', { name: 'Deploy v2 classifier?' });
  await expect(dialog).toContainText('No classifier version is deployed yet');
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'v2 classifier deployed; no comparison was made.' })).toBeVisible();

  // v1 against the deployed v2: both figures on the 6 held-out items, and v1 is worse.
  await page.getByRole('button', { name: 'Deploy v1 classifier' }).click();
  dialog = page.getByRole('dialog', { name: 'Deploy v1 classifier?' });
  const comparison = dialog.getByRole('region', { name: 'Deploy comparison' });
  await expect(comparison).toHaveAttribute('data-outcome', 'worse');
  await expect(comparison).toContainText('v1 classifier scores worse than the deployed version 2 on macro-F1');
  await expect(comparison.getByRole('table')).toContainText('Scored on 6 held-out val items.');
  const rows = comparison.getByRole('row');
  await expect(rows.nth(0)).toContainText('Metric');
  await expect(rows.nth(0)).toContainText('v1 classifier');
  await expect(rows.nth(0)).toContainText('Deployed');
  await expect(rows.filter({ hasText: 'macro-F1' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'accuracy' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'macro-F1' }).locator('td.best')).toHaveCount(1);

  // Confirming forces the deploy.
  await dialog.getByRole('button', { name: 'Force deploy (replace the better model)' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'v1 classifier deployed (forced over a better-scoring model).' })).toBeVisible();
  const models = (await ok(await api.get(`/api/v1/projects/${project.id}/models`))) as { models: { version: number; deployed: boolean; metrics: Record<string, number> }[] };
  const v1 = models.models.find((m) => m.version === 1);
  expect(v1?.deployed).toBe(true);
  expect(v1?.metrics['gate/held_out_items']).toBe(6);
});
