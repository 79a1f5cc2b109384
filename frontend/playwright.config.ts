import { defineConfig } from '@playwright/test';

// Run through `npm run e2e` (scripts/e2e.mjs), which starts a throwaway `mireru serve`, sets
// MIRERU_E2E_URL and stops the server afterwards. Chromium is Debian's (apt install chromium):
// Playwright's own browser download is never used.
const baseURL = process.env.MIRERU_E2E_URL;
if (!baseURL) throw new Error('MIRERU_E2E_URL is not set: run the suite with `npm run e2e`');

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
    baseURL,
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
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
