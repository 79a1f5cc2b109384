// Unit tests run in Node by default; files that render or use the DOM start with
// `// @vitest-environment jsdom` (starting jsdom costs about a second per file).
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  if (typeof document === 'undefined') return;
  cleanup();
  localStorage.clear();
});
