// Access control (the server of this project has an administrator, so everyone signs in):
// signing in and out, members and API keys, and what a viewer is offered.
import { test as base, expect, type APIRequestContext } from '@playwright/test';
import { sceneFiles } from '../support/png';

const ADMIN = { username: process.env.MIRERU_E2E_ADMIN_USER ?? '', password: process.env.MIRERU_E2E_ADMIN_PASSWORD ?? '' };

const test = base.extend<{ admin: APIRequestContext }>({
  /** The API as the administrator (a bearer session token from /auth/login). */
  admin: async ({ playwright, baseURL }, use) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const login = await anonymous.post('/api/v1/auth/login', { data: ADMIN });
    expect(login.status(), await login.text()).toBe(200);
    const { token } = (await login.json()) as { token: string };
    await anonymous.dispose();
    const admin = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
    await use(admin);
    await admin.dispose();
  },
});

test.beforeAll(() => {
  if (!ADMIN.username || !ADMIN.password) throw new Error('run with `npm run e2e`: it creates the administrator');
});

test('sign in, manage members and API keys, sign out, and sign in as a viewer', async ({ page, context, admin, playwright, baseURL }) => {
  // Everything asks for a sign-in; a wrong password is refused in words.
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Not signed in: wrong username or password');
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects', exact: true })).toBeVisible();
  await expect(page.locator('.user-name')).toHaveText(`Signed in as ${ADMIN.username} (administrator)`);

  // A project, made in the app (the session cookie is the credential).
  const name = `Locked ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const projectId = Number(/\/projects\/(\d+)/.exec(page.url())?.[1]);

  // Members & API keys: an account, a role for it, a key shown once.
  await page.getByRole('link', { name: 'Members & API keys' }).click();
  const viewer = { username: `viewer${Date.now()}`, password: 'viewer-password-1' };
  const users = page.getByRole('region', { name: 'Users' });
  await users.getByLabel('Username').fill(viewer.username);
  await users.getByLabel(/^Password/).fill(viewer.password);
  await users.getByRole('button', { name: 'Create user' }).click();
  await expect(users).toContainText(`Account “${viewer.username}” created`);
  const members = page.getByRole('region', { name: 'Members' });
  await members.getByRole('combobox', { name: 'User', exact: true }).selectOption({ label: viewer.username });
  await members.getByRole('combobox', { name: 'Role', exact: true }).selectOption('viewer');
  await members.getByRole('button', { name: 'Add member' }).click();
  await expect(members.getByRole('list', { name: 'Members' })).toContainText(viewer.username);
  await expect(members.getByRole('combobox', { name: `Role of ${viewer.username}` })).toHaveValue('viewer');

  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const keys = page.getByRole('region', { name: 'API keys' });
  await keys.getByLabel('Key name').fill('river camera');
  await keys.getByLabel('Key role').selectOption('annotator');
  await keys.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('region', { name: 'New API key' });
  await expect(shown).toContainText('it is shown only this once');
  const secret = await shown.getByLabel('The new API key').inputValue();
  expect(secret).toMatch(/^mrk_/);
  await shown.getByRole('button', { name: 'Copy' }).click();
  await expect(shown).toContainText(/Copied to the clipboard|did not allow copying/);
  await shown.getByRole('button', { name: 'I have saved it' }).click();
  await expect(shown).toBeHidden();
  await expect(keys.getByRole('list', { name: 'API keys' })).toContainText(`river camera ${secret.slice(0, 12)}…`);
  // The key works for its project, until it is revoked.
  const asKey = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  expect((await asKey.get(`/api/v1/projects/${projectId}`)).status()).toBe(200);
  await keys.getByRole('button', { name: 'Revoke river camera' }).click();
  await page.getByRole('dialog', { name: 'Revoke the key?' }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(keys).toContainText('No active keys.');
  expect((await asKey.get(`/api/v1/projects/${projectId}`)).status()).toBe(401);
  await asKey.dispose();

  // An image for the viewer to look at.
  const form = new FormData();
  const [file] = sceneFiles(1, 'locked');
  if (!file) throw new Error('no test image');
  form.append('files', new Blob([new Uint8Array(file.buffer)], { type: file.mimeType }), file.name);
  const upload = await admin.post(`/api/v1/projects/${projectId}/items`, { multipart: form });
  expect(upload.status(), await upload.text()).toBe(201);
  const itemId = ((await upload.json()) as { items: { id: number }[] }).items[0]?.id;

  // Sign out: back to the sign-in page, and the app is closed again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto(`/projects/${projectId}/training`);
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(`/projects/${projectId}/training`)}$`));

  // The viewer signs in and lands where they were going; only what a viewer may do is offered.
  await page.getByLabel('Username').fill(viewer.username);
  await page.getByLabel('Password').fill(viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/training$`));
  await expect(page.locator('.user-name')).toHaveText(`Signed in as ${viewer.username}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toContainText('viewer');
  await expect(page.getByRole('link', { name: 'New training run' })).toBeHidden();
  await expect(page.getByRole('link', { name: 'Members & API keys' })).toBeHidden();
  await page.getByRole('link', { name: 'Dataset', exact: true }).click();
  await expect(page.locator('.toolbar-count')).toHaveText('1 item');
  await expect(page.getByRole('button', { name: 'Upload images' })).toBeHidden();
  // Thumbnails load with the session cookie.
  await expect
    .poll(() => page.locator('.tile img').evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
    .toBe(true);
  await page.goto(`/projects/${projectId}/items/${itemId}`);
  await expect(page.getByRole('note')).toHaveText('View only: changing annotations needs the annotator role on this project.');
  await expect(page.getByRole('radio', { name: 'train' })).toBeDisabled();
  await page.goto(`/projects/${projectId}/training/new`);
  await expect(page.getByRole('alert')).toContainText('needs the trainer role on this project');
});
