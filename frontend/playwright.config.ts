import { defineConfig } from '@playwright/test';

// Run through `npm run e2e` (scripts/e2e.mjs), which starts throwaway `mireru serve`s, sets
// MIRERU_E2E_URL (single-user mode: tests/*.spec.ts) and MIRERU_E2E_AUTH_URL (an administrator
// exists, everyone signs in: tests/auth/*.spec.ts), and stops them afterwards. Chromium is Debian's
// (apt install chromium): Playwright's own browser download is never used.
const openURL = process.env.MIRERU_E2E_URL;
const authURL = process.env.MIRERU_E2E_AUTH_URL;
if (!openURL && !authURL) throw new Error('MIRERU_E2E_URL is not set: run the suite with `npm run e2e`');

const projects = [
  ...(openURL ? [{ name: 'open', testIgnore: 'auth/**', use: { browserName: 'chromium' as const, baseURL: openURL } }] : []),
  ...(authURL ? [{ name: 'auth', testMatch: 'auth/**/*.spec.ts', use: { browserName: 'chromium' as const, baseURL: authURL } }] : []),
];

export default defineConfig({
  testDir: 'tests',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  projects,
});
