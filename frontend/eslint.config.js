// Only import rules: no module imports itself back (import-x/no-cycle), and features depend on one
// another in one direction only, along the edges declared in FEATURE_DEPS. Code that several
// features use lives in src/lib (hooks, utilities), src/components (React components) or
// src/styles (shared stylesheets), which import no feature.
import fs from 'node:fs';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';

const root = import.meta.dirname;

/** Which other features each feature in src/features/ may import; a folder not named here may import none. */
const FEATURE_DEPS = {
  access: ['auth'],
  annotation: ['auth', 'models', 'pairs', 'suggestions', 'words'],
  auth: ['settings'],
  datasets: ['auth', 'suggestions'],
  models: ['auth', 'training'],
  pairs: [],
  projects: ['auth'],
  search: ['auth', 'pairs'],
  settings: [],
  suggestions: ['models'],
  system: [],
  training: ['auth'],
  words: ['auth'],
};

const features = fs
  .readdirSync(path.join(root, 'src/features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// The declared edges themselves must not make a cycle (a -> b -> ... -> a).
(function checkAcyclic() {
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') throw new Error(`eslint.config.js: FEATURE_DEPS has a cycle: ${[...trail, name].join(' -> ')}`);
    state.set(name, 'open');
    for (const dep of FEATURE_DEPS[name] ?? []) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(FEATURE_DEPS)) visit(name, []);
})();

const featureZones = features.map((name) => {
  const allowed = FEATURE_DEPS[name] ?? [];
  return {
    target: `./src/features/${name}`,
    from: './src/features',
    except: [`./${name}`, ...allowed.map((dep) => `./${dep}`)],
    message: `features/${name} may import only ${allowed.length ? allowed.join(', ') : 'no other feature'} (FEATURE_DEPS in eslint.config.js); move what features share to src/lib, src/components or src/styles.`,
  };
});

export default [
  { ignores: ['src/client/**', 'node_modules/**', 'dist/**'] },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: {
      parser: tsParser,
      ecmaVersion: 'latest',
      sourceType: 'module',
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: path.join(root, 'tsconfig.json'),
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: ['./src/lib', './src/components', './src/styles'],
              from: ['./src/features', './src/app'],
              message: 'Shared code imports no feature and no app code.',
            },
            ...featureZones,
          ],
        },
      ],
    },
  },
];
