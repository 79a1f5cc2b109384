// The Models page reads: a tiny classifier trained through the API shows its primary metrics as
// labelled columns (not raw metric names), the gain over the untrained network, per-class figures
// and the confusion matrix of the validation items.
import { expect, test, uploadViaApi } from './support/fixtures';
import { TINY_CLASSIFIER, bulk, colourFiles, ok, trainClassifier } from './support/training';

test('the models page shows primary metrics, gains, per-class figures and the confusion matrix', async ({ page, api, project }) => {
  test.setTimeout(240_000);
  const reds = await uploadViaApi(api, project.id, colourFiles('red', [220, 40, 40], 8));
  const blues = await uploadViaApi(api, project.id, colourFiles('blue', [40, 60, 220], 8));
  await bulk(api, project.id, [...reds.slice(0, 3), ...blues.slice(0, 3)], { split: 'val' });
  await bulk(api, project.id, [...reds.slice(3), ...blues.slice(3)], { split: 'train' });
  await bulk(api, project.id, reds, { labels: ['red'] });
  await bulk(api, project.id, blues, { labels: ['blue'] });

  await trainClassifier(api, project.id, { ...TINY_CLASSIFIER, lr: 0.01 });

  // The version records its confusion cells: 6 validation items in all.
  const models = (await ok(await api.get(`/api/v1/projects/${project.id}/models`))) as { models: { metrics: Record<string, number> }[] };
  const metrics = models.models[0]?.metrics ?? {};
  const cells = Object.entries(metrics).filter(([name]) => name.startsWith('val/confusion/'));
  expect(cells.reduce((n, [, v]) => n + v, 0)).toBe(6);

  await page.goto(`/projects/${project.id}/models`);
  const list = page.getByRole('table', { name: 'Model versions, newest first' });
  await expect(list.getByRole('columnheader', { name: 'Accuracy' })).toBeVisible();
  await expect(list.getByRole('columnheader', { name: 'Macro-F1' })).toBeVisible();
  await expect(list.getByRole('columnheader', { name: 'Accuracy' })).toContainText('val/accuracy');
  await expect(list.getByRole('columnheader', { name: /val\/(precision|recall|confusion)\// })).toHaveCount(0);
  if (metrics['baseline/accuracy'] !== undefined) await expect(list).toContainText('over untrained');

  const details = page.getByRole('region', { name: 'v1 classifier: details' });
  await expect(details).toBeVisible();
  const perClass = details.getByRole('table', { name: 'Per-class figures on the validation items' });
  await expect(perClass.getByRole('rowheader', { name: 'red' })).toBeVisible();
  await expect(perClass.getByRole('rowheader', { name: 'blue' })).toBeVisible();
  await expect(perClass.getByRole('columnheader', { name: 'F1', exact: true })).toBeVisible();
  const confusion = details.getByRole('table', { name: /Confusion matrix/ });
  await expect(confusion).toBeVisible();
  await expect(confusion.getByRole('row')).toHaveCount(3);
  await expect(confusion.getByRole('columnheader', { name: 'red' })).toBeVisible();
});
