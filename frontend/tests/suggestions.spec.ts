// Models helping annotators: a tiny classifier trained and deployed through the API, batch
// predictions from the dataset page, suggestions accepted and rejected on the item page (and
// "Ask the models", with a plain sentence where no model of a kind is deployed). Then words: a
// word model trained on the items' text, keyword autocomplete from it, search by words, the
// Words screen.
import type { APIRequestContext } from '@playwright/test';
import { expect, getItem, screenshot, test, uploadViaApi, type ItemJson } from './support/fixtures';
import { png, scene, type TestFile } from './support/png';
import { colourFiles, ok, trainClassifier } from './support/training';

/** Train the tiny classifier on the labelled items and deploy its version. */
async function trainAndDeployClassifier(api: APIRequestContext, projectId: number): Promise<number> {
  const versionId = await trainClassifier(api, projectId);
  await ok(await api.post(`/api/v1/projects/${projectId}/models/${versionId}/deploy`));
  return versionId;
}

test('batch predictions become suggestions to accept or reject on the item page', async ({ page, api, project }) => {
  test.setTimeout(240_000);
  const reds = await uploadViaApi(api, project.id, colourFiles('red', [220, 40, 40], 4, 64));
  const blues = await uploadViaApi(api, project.id, colourFiles('blue', [40, 60, 220], 4, 64));
  const label = async (items: ItemJson[], name: string) =>
    ok(await api.post(`/api/v1/projects/${project.id}/annotations/bulk`, { data: { item_ids: items.map((i) => i.id), add_labels: [name] } }));
  await label(reds, 'red');
  await label(blues, 'blue');
  // Two photos nobody annotated: the classifier will say red or blue, whichever it prefers.
  const seed = Math.floor(Math.random() * 1000);
  const unlabelled = (await uploadViaApi(api, project.id, [
    { name: 'panel-a.png', mimeType: 'image/png', buffer: scene(240, 160, seed) },
    { name: 'panel-b.png', mimeType: 'image/png', buffer: scene(240, 160, seed + 1) },
  ])) as [ItemJson, ItemJson];
  await api.patch(`/api/v1/projects/${project.id}`, { data: { name: `Paint inspection ${project.id}` } });

  // Before any model: asking one says so in a sentence, with the way to get one.
  await page.goto(`/projects/${project.id}/items/${unlabelled[0].id}`);
  const panel = page.getByRole('region', { name: 'Suggestions' });
  await expect(panel).toContainText('No suggestions waiting for this item.');
  await panel.getByRole('button', { name: 'Classify' }).click();
  const classifierAnswer = panel.getByRole('region', { name: 'Answer of the classifier' });
  await expect(classifierAnswer).toContainText('No classifier is deployed in this project yet.');
  await expect(classifierAnswer.getByRole('link', { name: 'Models' })).toHaveAttribute('href', `/projects/${project.id}/models`);

  const versionId = await trainAndDeployClassifier(api, project.id);

  // Batch predictions over the items nobody annotated yet, from the dataset page.
  await page.goto(`/projects/${project.id}?annotated=false`);
  await expect(page.getByRole('status').filter({ hasText: /^2 items match the filters$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Suggest with models' }).click();
  const batch = page.getByRole('region', { name: 'Suggest with models' });
  await expect(batch.getByRole('radio', { name: /classifier/ })).toBeChecked();
  await expect(batch.getByText(/v1/)).toBeVisible();
  await batch.getByLabel('Minimum score').fill('0');
  await batch.getByRole('button', { name: 'Suggest for 2 items' }).click();
  await expect(batch).toContainText('2 suggestions on 2 items.', { timeout: 60_000 });
  await expect(batch).toContainText('2 suggestions waiting for review.');
  await batch.getByRole('link', { name: /Review them/ }).click();

  // The first of them: its suggestion, the model that made it; accepting makes it a label.
  const firstId = Math.min(unlabelled[0].id, unlabelled[1].id);
  await expect(page).toHaveURL(new RegExp(`/items/${firstId}$`));
  await expect(panel).toContainText('1 suggestion to review');
  const suggestion = panel.getByRole('listitem').filter({ has: page.getByRole('button', { name: /^Accept label/ }) });
  await expect(suggestion).toContainText('v1 classifier');
  const value = ((await suggestion.locator('.suggestion-value').textContent()) ?? '').trim();
  expect(['red', 'blue']).toContain(value);

  // Asking the classifier directly answers with every class and its probability.
  await panel.getByRole('button', { name: /^Classify/ }).click();
  // The first prediction in the API process loads torch and the model: allow it time.
  await expect(classifierAnswer.getByRole('listitem')).toHaveCount(2, { timeout: 60_000 });
  await expect(classifierAnswer.getByRole('button', { name: 'Add label “red”' })).toBeVisible();
  // No detector is deployed: said in words.
  await panel.getByRole('button', { name: 'Detect objects' }).click();
  await expect(panel.getByRole('region', { name: 'Answer of the detector' })).toContainText('No detector is deployed in this project yet.');
  await screenshot(page, 'item-suggestions.png');

  await suggestion.getByRole('button', { name: `Accept label “${value}”` }).click();
  await expect(page.getByRole('button', { name: value, exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await getItem(api, project.id, firstId)).labels).toEqual([value]);
  await expect(panel).toContainText('No suggestions waiting for this item.');
  await expect(classifierAnswer.getByRole('button', { name: `Add label “${value}”` })).toHaveText('Added');
  const stored = (await ok(await api.get(`/api/v1/projects/${project.id}/suggestions?item_id=${firstId}&status=accepted`))) as {
    suggestions: { model_version_id: number }[];
  };
  expect(stored.suggestions.map((s) => s.model_version_id)).toEqual([versionId]);

  // The shortcuts still work beside the panel.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');

  // The dataset filter "Has pending suggestions": only the other item still waits for review.
  const secondId = Math.max(unlabelled[0].id, unlabelled[1].id);
  const secondName = secondId === unlabelled[0].id ? unlabelled[0].filename : unlabelled[1].filename;
  await page.goto(`/projects/${project.id}`);
  // The URL (and so the box) changes in a router transition, after the click returns: click and
  // wait for the state rather than check()/uncheck(), which look at the box at once.
  const pendingBox = page.getByRole('checkbox', { name: 'Has pending suggestions' });
  await pendingBox.click();
  await expect(pendingBox).toBeChecked();
  await expect(page).toHaveURL(/[?&]pending_suggestions=true(&|$)/);
  await expect(page.getByRole('status').filter({ hasText: /^1 item matches the filters$/ })).toBeVisible();
  const waiting = page.getByRole('list', { name: 'Items' }).getByRole('listitem');
  await expect(waiting).toHaveCount(1);
  await expect(waiting.first()).toContainText(secondName);
  await pendingBox.click();
  await expect(pendingBox).not.toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: /^10 items$/ })).toBeVisible();
  await page.goto(`/projects/${project.id}/items/${firstId}`);

  // On to the other item; rejecting leaves it unlabelled.
  await panel.getByRole('link', { name: 'Next item with suggestions →' }).click();
  await expect(page).toHaveURL(new RegExp(`/items/${secondId}$`));
  await panel.getByRole('button', { name: /^Reject label/ }).click();
  await expect(panel).toContainText('No suggestions waiting for this item.');
  const rejected = (await ok(await api.get(`/api/v1/projects/${project.id}/suggestions?item_id=${secondId}&status=rejected`))) as { total: number };
  expect(rejected.total).toBe(1);
  expect((await getItem(api, project.id, secondId)).labels).toEqual([]);
});

test('search by words and keyword suggestions from a word model trained on the items’ text', async ({ page, api, project }) => {
  test.setTimeout(150_000);
  const items = await uploadViaApi(api, project.id, colourFiles('beam', [120, 110, 100], 6, 64));
  const notes: [string[], string][] = [
    [['rust'], 'rust on the steel beam near the bolt'],
    [['rust'], 'heavy rust and flaking paint on the steel girder'],
    [['crack'], 'a fatigue crack along the weld of the steel beam'],
    [['crack'], 'hairline crack at the weld toe'],
    [['paint'], 'fresh paint on the girder, no defects'],
    [['paint'], 'paint peeling near the bolt'],
  ];
  for (const [i, item] of items.entries()) {
    const [keywords, text] = notes[i] ?? [[], ''];
    await ok(await api.patch(`/api/v1/projects/${project.id}/items/${item.id}`, { data: { text } }));
    await ok(await api.patch(`/api/v1/projects/${project.id}/items/${item.id}/annotations`, { data: { add_keywords: keywords } }));
  }

  // Without a word model, search by words says how to get one.
  await page.goto(`/projects/${project.id}/search?mode=words&q=rust`);
  await expect(page.getByRole('alert')).toContainText('no active word model');
  await expect(page.getByText('Set one up under')).toBeVisible();

  // Train one on the items' keywords and text through the API (tiny: every word counts).
  const form = new FormData();
  for (const [key, value] of Object.entries({ min_count: '1', vector_size: '16', epochs: '20', window: '3' })) form.append(key, value);
  await ok(await api.post(`/api/v1/projects/${project.id}/word-models`, { multipart: form }));
  await expect
    .poll(
      async () => {
        const body = (await ok(await api.get(`/api/v1/projects/${project.id}/word-models`))) as { models: { status: string }[] };
        return body.models[0]?.status;
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBe('ready');

  // Search by words: scored results, and which path answered.
  await page.goto(`/projects/${project.id}/search`);
  await page.getByRole('radio', { name: 'Words' }).click();
  await expect(page.getByRole('radio', { name: 'Words' })).toBeChecked();
  const query = page.getByRole('form', { name: 'Search by words' });
  await query.getByRole('searchbox').fill('rust');
  await query.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await expect(results.first()).toHaveAccessibleName(/^beam-[12]\.png, score 1\.000$/);
  await expect(page.getByRole('note', { name: 'How the words were matched' })).toContainText('via the keywords nearest to the words');
  // A word the model never saw: the API's own words.
  await query.getByRole('searchbox').fill('zzyzx');
  await query.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('alert')).toContainText('not in the vocabulary');

  // Keyword autocomplete offers words of the model that no item uses as a keyword yet.
  const first = items[0];
  if (!first) throw new Error('upload failed');
  await page.goto(`/projects/${project.id}/items/${first.id}`);
  const keyword = page.getByRole('combobox', { name: 'Add keyword' });
  await keyword.fill('ste');
  const option = page.getByRole('option', { name: /steel/ });
  await expect(option).toContainText('word model');
  await option.click();
  await expect.poll(async () => (await getItem(api, project.id, first.id)).keywords.sort()).toEqual(['rust', 'steel']);

  // The Words screen: the model, and a word's neighbours.
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Words' }).click();
  const card = page.getByRole('listitem', { name: 'word2vec 16-d' });
  await expect(card).toContainText('Status: ready, active');
  await expect(card).toContainText('16 dimensions');
  await page.getByLabel('Word or phrase').fill('rust');
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page.getByRole('list', { name: 'Words nearest to rust' }).getByRole('listitem')).toHaveCount(10);
});

/** A grey plate with one or two yellow bolts (squares); their boxes in pixels. */
function boltPlate(seed: number): { file: TestFile; boxes: { label: string; x: number; y: number; w: number; h: number }[] } {
  const size = 96;
  const boxes = [{ label: 'bolt', x: 8 + ((seed * 17) % 40), y: 10 + ((seed * 29) % 40), w: 28, h: 28 }];
  if (seed % 2) boxes.push({ label: 'bolt', x: 60, y: 56 + (seed % 8), w: 24, h: 24 });
  const inside = (x: number, y: number) => boxes.some((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h);
  const buffer = png(size, size, (x, y) => (inside(x, y) ? [235, 200, 40] : [110 + ((x + y + seed) % 9), 112, 118]));
  return { file: { name: `plate-${seed}.png`, mimeType: 'image/png', buffer }, boxes };
}

test('box suggestions from a detector are drawn dashed and become boxes when accepted; its detections become items', async ({ page, api, project }) => {
  test.setTimeout(240_000);
  const plates = Array.from({ length: 13 }, (_, i) => boltPlate(i + 1));
  const items = await uploadViaApi(api, project.id, plates.map((p) => p.file));
  const byName = new Map(items.map((i) => [i.filename, i]));
  for (const plate of plates.slice(0, 12)) {
    const item = byName.get(plate.file.name);
    if (!item) throw new Error(`${plate.file.name} was not uploaded`);
    await ok(await api.put(`/api/v1/projects/${project.id}/items/${item.id}/annotations`, { data: { boxes: plate.boxes } }));
  }
  const target = byName.get(plates[12]?.file.name ?? '');
  if (!target) throw new Error('the unannotated plate was not uploaded');
  await api.patch(`/api/v1/projects/${project.id}`, { data: { name: `Bolt inspection ${project.id}` } });

  const run = (await ok(
    await api.post(`/api/v1/projects/${project.id}/training-runs`, {
      data: {
        kind: 'detector',
        params: { model: 'tiny', pretrained_backbone: 'none', epochs: 2, batch_size: 8, image_size: 96, lr: 0.003, num_workers: 0, device: 'cpu' },
      },
    }),
  )) as { id: number };
  let done: { status: string; model_version_id: number | null } = { status: '', model_version_id: null };
  await expect
    .poll(
      async () => {
        done = (await ok(await api.get(`/api/v1/projects/${project.id}/training-runs/${run.id}`))) as typeof done;
        return ['succeeded', 'failed', 'cancelled'].includes(done.status);
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .toBe(true);
  expect(done.status).toBe('succeeded');
  await ok(await api.post(`/api/v1/projects/${project.id}/models/${done.model_version_id}/deploy`));

  // A barely trained detector scores low: suggest its two best boxes on the plate nobody annotated.
  const form = new FormData();
  form.append('item_id', String(target.id));
  form.append('score_threshold', '0');
  form.append('max_detections', '2');
  const best = (await ok(await api.post(`/api/v1/projects/${project.id}/predict/detect`, { multipart: form }))) as { boxes: { score: number }[] };
  expect(best.boxes.length).toBeGreaterThan(0);
  const minScore = Math.max(0, Math.min(...best.boxes.map((b) => b.score)) - 1e-4);

  await page.goto(`/projects/${project.id}?annotated=false`);
  await page.getByRole('button', { name: 'Suggest with models' }).click();
  const batch = page.getByRole('region', { name: 'Suggest with models' });
  await batch.getByRole('radio', { name: /detector/ }).check();
  await batch.getByLabel('Minimum score').fill(minScore.toFixed(6));
  await expect(batch.getByLabel('Classes per item')).toBeHidden();
  await batch.getByRole('button', { name: 'Suggest for 1 item' }).click();
  await expect(batch).toContainText(/\d+ suggestions? on 1 item\./, { timeout: 60_000 });
  await batch.getByRole('link', { name: /Review them/ }).click();
  await expect(page).toHaveURL(new RegExp(`/items/${target.id}$`));

  // The suggested boxes are drawn dashed over the image, and listed with their scores.
  const panel = page.getByRole('region', { name: 'Suggestions' });
  const accept = panel.getByRole('button', { name: 'Accept box “bolt”' });
  await expect(accept.first()).toBeVisible();
  const suggested = await accept.count();
  expect(suggested).toBeGreaterThan(0);
  await expect(page.locator('[data-ghost]')).toHaveCount(suggested);
  await expect(page.getByTestId('box-canvas')).toHaveAccessibleName(new RegExp(`${suggested} suggested box`));
  // Pointing at a suggestion shows which box it is.
  await accept.first().hover();
  await expect(page.locator('[data-ghost].highlighted')).toHaveCount(1);
  await screenshot(page, 'item-box-suggestions.png');

  // Accepting one makes it a box of the item; its ghost goes.
  await accept.first().click();
  await expect(page.getByRole('heading', { name: 'Boxes (1)' })).toBeVisible();
  await expect(page.locator('[data-ghost]')).toHaveCount(suggested - 1);
  await expect.poll(async () => (await getItem(api, project.id, target.id)).boxes.map((b) => b.label)).toEqual(['bolt']);

  // Detect-then-retrieve: the same detector cuts its detections out as new items linked to their images.
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('button', { name: 'Suggest with models' }).click();
  const cropPanel = page.getByRole('region', { name: 'Suggest with models' });
  await cropPanel.getByRole('radio', { name: /detector/ }).check();
  await cropPanel.getByLabel('Minimum score').fill(minScore.toFixed(6));
  await cropPanel.getByRole('checkbox', { name: /store every detection as a new item/ }).check();
  await cropPanel.getByRole('button', { name: /Suggest for/ }).click();
  await expect(cropPanel).toContainText(/\d+ crops? stored as new items from \d+ items?\./, { timeout: 60_000 });
  const listed = (await ok(await api.get(`/api/v1/projects/${project.id}/items?limit=500`))) as {
    items: { id: number; source_item_id: number | null }[];
  };
  const crops = listed.items.filter((item) => item.source_item_id !== null);
  expect(crops.length).toBeGreaterThan(0);

  // The dataset's "Crops" filter finds exactly them.
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('combobox', { name: 'Crops' }).selectOption({ label: 'Only crops' });
  await expect(page).toHaveURL(/[?&]crop=true(&|$)/);
  const matching = new RegExp(`^${crops.length} items? match(es)? the filters$`);
  await expect(page.getByRole('status').filter({ hasText: matching })).toBeVisible();

  // Crops grouped under their source image: a strip of them on its page, each linking back to it.
  const sourceId = crops[0]?.source_item_id ?? 0;
  const ofSource = crops.filter((c) => c.source_item_id === sourceId);
  await page.goto(`/projects/${project.id}/items/${sourceId}`);
  const strip = page.getByRole('region', { name: 'Crops from this image' });
  await expect(strip.getByRole('heading')).toHaveText(`Crops from this image (${ofSource.length})`);
  const thumbs = strip.getByRole('list', { name: 'Crops' }).getByRole('listitem');
  await expect(thumbs).toHaveCount(Math.min(ofSource.length, 24));
  await expect(page.getByRole('region', { name: 'Cropped from' })).toHaveCount(0);
  await thumbs.first().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/items/${ofSource[0]?.id}\\?source_item_id=${sourceId}&i=0$`));
  // The crop page steps through the crops of that image, and says where it was cut from.
  await expect(page.getByText(`1 of ${ofSource.length}`, { exact: true })).toBeVisible();
  const origin = page.getByRole('region', { name: 'Cropped from' });
  await expect(origin).toContainText(/Box: bolt, score \d\.\d\d, at \d+, \d+ \(\d+ × \d+ px\)/);
  await expect(origin.locator('.crop-source-box')).toBeVisible();
  await origin.getByRole('link', { name: new RegExp(`^Cropped from item #${sourceId}\\b`) }).click();
  await expect(page).toHaveURL(new RegExp(`/items/${sourceId}$`));
  await expect(strip).toBeVisible();
});
