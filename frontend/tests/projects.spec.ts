// The projects screen, errors in words, the API token setting and the single-user mode.
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

test('an API token is entered instead of signing in, and sent', async ({ page }) => {
  test.skip(!TOKEN, 'the server runs without MIRERU_ADMIN_TOKEN (set MIRERU_E2E_TOKEN to test this)');
  await page.addInitScript(() => localStorage.removeItem('mireru.apiToken'));
  await page.goto('/');
  // Without a credential the app asks for one.
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByText('Use an API token or key instead').click();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'New project' })).toBeVisible();
  await expect(page.locator('.user-name')).toHaveText('Signed in as Admin token');
});

test('the single-user mode needs no sign-in', async ({ page }) => {
  test.skip(!!TOKEN, 'the server runs with MIRERU_ADMIN_TOKEN');
  await page.goto('/sign-in');
  await expect(page.getByText('This server runs in single-user mode')).toBeVisible();
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', exact: true })).toBeVisible();
  await expect(page.locator('.user-name')).toHaveText('Access: Single-user mode');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
});
