/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves the app with hot reload and sends API calls to a running `mireru serve`
// (MIRERU_API_URL, default http://127.0.0.1:8000). `npm run build` writes the app where the
// backend serves it at `/` (backend/mireru/static/, not committed).
const api = process.env.MIRERU_API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../backend/mireru/static', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': api,
      '/docs': api,
      '/openapi.json': api,
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    pool: 'threads',
    maxWorkers: 2,
    css: false,
  },
});
