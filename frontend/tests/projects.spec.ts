// The projects screen, errors in words, and the API token setting.
import { expect, test, TOKEN } from './support/fixtures';

test('list, create and delete projects', async ({ page, api }) => {
  const name = `Greenhouse ${Date.now()}`;
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Projects', exact: true })).toBeVisible();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Projects', exact: true }).click();
  const card = page.getByRole('article', { name });
  await expect(card).toContainText('0 items');
  await card.getByRole('button', { name: `Delete ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete project?' });
  await expect(dialog).toContainText(name);
  await dialog.getByRole('button', { name: 'Delete project' }).click();
  await expect(card).toBeHidden();
  const list = (await (await api.get('/api/v1/projects?limit=500')).json()) as { projects: { name: string }[] };
  expect(list.projects.map((p) => p.name)).not.toContain(name);
});

test('API errors are shown in words', async ({ page, project }) => {
  // A name that is taken: the server's 409 message, not a status code.
  await page.goto('/');
  await page.getByLabel('Name').fill(project.name);
  await page.getByRole('button', { name: 'Create project' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Could not create the project');
  await expect(alert).toContainText(project.name);

  // A project that does not exist.
  await page.goto('/projects/987654321');
  await expect(page.getByRole('alert')).toContainText('Could not open the project: project 987654321 does not exist');

  // An unknown page of the app.
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('the API token is entered in Settings and sent', async ({ page }) => {
  test.skip(!TOKEN, 'the server runs without MIRERU_ADMIN_TOKEN (set MIRERU_E2E_TOKEN to test this)');
  await page.addInitScript(() => localStorage.removeItem('mireru.apiToken'));
  await page.goto('/');
  // The server's own reason, and where to fix it.
  await expect(page.getByRole('alert')).toContainText('Could not load the projects');
  await expect(page.getByRole('alert')).toContainText('(set the API token in Settings)');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'New project' })).toBeVisible();
  await expect(page.getByRole('alert')).toBeHidden();
});
