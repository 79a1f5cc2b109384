// Training: a form drawn from the kind's JSON Schema (defaults, presets that fill it, checks in
// the browser, the server's field errors beside their fields, the selection's live pre-flight
// counts), a tiny run whose curves move live over the event stream, then its model version:
// metrics, download, delete. Cancelling a run. A kind the selection cannot train is refused
// before it starts.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, screenshot, test, uploadViaApi, type ItemJson } from './support/fixtures';
import { sceneFiles } from './support/png';

async function labelledItems(api: APIRequestContext, projectId: number): Promise<ItemJson[]> {
  const items = await uploadViaApi(api, projectId, sceneFiles(8, 'wader', 64, 48));
  const label = async (ids: number[], name: string) => {
    const response = await api.post(`/api/v1/projects/${projectId}/annotations/bulk`, { data: { item_ids: ids, add_labels: [name] } });
    expect(response.ok(), await response.text()).toBeTruthy();
  };
  await label(items.slice(0, 4).map((i) => i.id), 'heron');
  await label(items.slice(4).map((i) => i.id), 'egret');
  return items;
}

/** The smallest run the backend offers: tiny-cnn (the defaults are a pretrained MobileNetV2) at
 * its full learning rate, 32 px, batch 2, no loader processes. */
async function fillTinyRun(page: Page, epochs: number): Promise<void> {
  await page.getByLabel('Base Model', { exact: true }).fill('tiny-cnn');
  await page.getByLabel('Epochs', { exact: true }).fill(String(epochs));
  await page.getByLabel('Batch Size', { exact: true }).fill('2');
  await page.getByLabel('Image Size', { exact: true }).fill('32');
  await page.getByLabel('Embedding Dim', { exact: true }).fill('8');
  const more = page.getByText(/^More settings/);
  if (!(await page.getByLabel('Num Workers', { exact: true }).isVisible())) await more.click();
  await page.getByLabel('Num Workers', { exact: true }).fill('0');
  await page.getByLabel('Backbone Lr Scale', { exact: true }).fill('1');
}

test('start a tiny training run and watch its curves move', async ({ page, api, project }) => {
  test.setTimeout(150_000);
  await labelledItems(api, project.id);
  await api.patch(`/api/v1/projects/${project.id}`, { data: { name: `Wading birds ${project.id}` } });
  await page.goto(`/projects/${project.id}/training`);
  await expect(page.getByRole('heading', { name: 'No training runs yet' })).toBeVisible();
  await page.getByRole('link', { name: 'New training run' }).click();

  // The form comes from the kind's schema, with its defaults: a classifier's lists and choices...
  await page.getByRole('radio', { name: /^Classifier/ }).check();
  await expect(page.getByLabel('Augmentation', { exact: true })).toHaveValue('inspection');
  const more = page.getByText(/^More settings/);
  if (!(await page.getByLabel('Measurement Keys', { exact: true }).isVisible())) await more.click();
  await expect(page.getByLabel('Measurement Keys', { exact: true })).toHaveAttribute('placeholder', 'e.g. temperature_c, humidity_pct');
  // ...and the embedding kind's.
  const embedding = page.getByRole('radio', { name: /Embedding \(similar-image search\)/ });
  await embedding.check();
  await expect(embedding).toBeChecked();
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('6');
  await expect(page.getByLabel('Base Model', { exact: true })).toHaveValue('torchvision:mobilenet_v2@IMAGENET1K_V1');
  await expect(page.getByLabel('Target', { exact: true })).toHaveValue('label');
  await expect(page.getByText('8 items in the project')).toBeVisible();
  // The live pre-flight check: every item is labelled, a share of them is held out.
  const check = page.getByRole('region', { name: 'Pre-flight check' });
  await expect(check).toContainText(/8 items of 8 selected can train: \d training items?, \d validation items?, 2 classes/);

  // Presets fill the form; "Defaults" brings the kind's own values back.
  await expect(page.getByRole('radio', { name: /^Defaults/ })).toBeChecked();
  await page.getByRole('radio', { name: /^Fast/ }).check();
  await expect(page.getByLabel('Image Size', { exact: true })).toHaveValue('128');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('3');
  await page.getByRole('radio', { name: /^Accurate/ }).check();
  await expect(page.getByLabel('Image Size', { exact: true })).toHaveValue('224');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('15');
  await expect(page.getByRole('radio', { name: /^Accurate/ })).toHaveAccessibleName(/224 px \(MobileNetV2's pretraining size\)/);
  await page.getByRole('radio', { name: /^Defaults/ }).check();
  await expect(page.getByLabel('Image Size', { exact: true })).toHaveValue('160');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('6');

  // Checked in the browser first...
  await page.getByLabel('Epochs', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByText('At least 1.')).toBeVisible();
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  // ...and what only the server knows comes back beside its field.
  await fillTinyRun(page, 4);
  await page.getByLabel('Base Model', { exact: true }).fill('resnet-of-my-dreams');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The run was not started' })).toContainText('base_model');
  await expect(page.locator('.schema-field.invalid')).toContainText('use tiny-cnn or');
  await page.getByLabel('Base Model', { exact: true }).fill('tiny-cnn');
  await page.getByRole('button', { name: 'Start training' }).click();

  // The run page follows the live event stream.
  await expect(page).toHaveURL(/\/training\/\d+$/);
  await expect(page.getByRole('heading', { name: /^Run \d+: embedding/ })).toBeVisible();
  const curves = page.getByRole('region', { name: 'Curves' });
  const badge = page.locator('.run-head .status-badge');
  const seen = new Set<number>();
  const deadline = Date.now() + 120_000;
  let status = '';
  while (Date.now() < deadline) {
    seen.add(Number((await curves.getAttribute('data-points')) ?? 0));
    status = (await badge.textContent()) ?? '';
    if (['succeeded', 'failed', 'cancelled'].includes(status)) break;
    await page.waitForTimeout(150);
  }
  expect(status).toBe('succeeded');
  const counts = [...seen].filter((n) => n > 0);
  // The curve grew while the run was going (more than one partial state was drawn).
  expect(counts.length, `point counts seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(3);
  await expect(page.getByRole('figure', { name: 'Loss' })).toContainText('train/loss');
  await expect(page.getByRole('figure', { name: 'Validation metrics' })).toContainText('val/recall@1');
  await expect(page.getByRole('region', { name: 'Progress' })).toContainText('100%');
  await expect(page.getByRole('list', { name: 'Log' })).toContainText('epoch 4/4');
  await expect(page.getByRole('button', { name: 'Cancel run' })).toBeHidden();
  await screenshot(page, 'training-run.png');

  // Its model version: metrics in the list, a download, then delete it.
  await page.getByRole('link', { name: 'Model version made by this run' }).click();
  await expect(page.getByRole('heading', { name: 'Model versions' })).toBeVisible();
  const row = page.getByRole('row', { name: /v1 embedding/ });
  await expect(row).toContainText('tiny-cnn');
  await expect(page.getByRole('columnheader', { name: 'val/recall@1' })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download v1 embedding' }).click()]);
  expect(download.suggestedFilename()).toMatch(/-embedding-v1\.pt$/);
  await row.getByRole('button', { name: 'Delete v1 embedding' }).click();
  await page.getByRole('dialog', { name: 'Delete the model version?' }).getByRole('button', { name: 'Delete version' }).click();
  await expect(page.getByRole('heading', { name: 'No model versions yet' })).toBeVisible();

  // The runs list shows the run as succeeded.
  await page.getByRole('link', { name: 'Training', exact: true }).click();
  await expect(page.getByRole('row', { name: /Run \d+/ })).toContainText('succeeded');
});

test('cancel a running training run', async ({ page, api, project }) => {
  test.setTimeout(120_000);
  await labelledItems(api, project.id);
  await page.goto(`/projects/${project.id}/training/new`);
  await page.getByRole('radio', { name: /Embedding \(similar-image search\)/ }).check();
  await fillTinyRun(page, 200);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page).toHaveURL(/\/training\/\d+$/);
  const badge = page.locator('.run-head .status-badge');
  await expect(badge).toHaveText('running', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(badge).toHaveText('cancelled', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Resume from the checkpoint' })).toBeVisible();
});

test('a kind the selection cannot train is refused before the run starts', async ({ page, api, project }) => {
  await labelledItems(api, project.id);
  await page.goto(`/projects/${project.id}/training/new`);
  const check = page.getByRole('region', { name: 'Pre-flight check' });
  const start = page.getByRole('button', { name: 'Start training' });
  await page.getByRole('radio', { name: /Embedding \(similar-image search\)/ }).check();
  await expect(check).toContainText('8 items of 8 selected can train');
  await expect(start).toBeEnabled();

  // Labels but no boxes: a detector has nothing to learn from, and says what to add.
  await page.getByRole('radio', { name: /^Detector/ }).check();
  const problems = check.getByRole('list', { name: 'What keeps this run from starting' });
  await expect(problems).toContainText('no items with a box');
  await expect(problems).toContainText('draw boxes on some items');
  await expect(check).toContainText('0 items of 8 selected can train');
  await expect(check).toContainText('0 boxes');
  await expect(start).toBeDisabled();

  // Back to a kind the labels can train.
  await page.getByRole('radio', { name: /Embedding \(similar-image search\)/ }).check();
  await expect(problems).toBeHidden();
  await expect(start).toBeEnabled();
});
