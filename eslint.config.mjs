// Lint: typescript-eslint's recommended rules, prettier's formatting rules switched off (prettier checks layout),
// and the layer order of docs/architecture.md enforced on imports: no cycles, and no folder importing a folder
// above it. `npm run lint`; `npm test` runs it too.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The layers of src/, bottom to top. A folder may import from its own layer and from layers below it, never above.
 * Folders on one line are peers (they may import each other; the cycle rule keeps that one-way).
 * scripts/, bench/ and notebooks/ sit above everything and only import src/ (through src/index.ts or a folder).
 */
export const LAYERS = [
  ['util'],
  ['linalg'],
  ['data'],
  ['features'],
  ['sampling', 'scoring'],
  ['models'],
  ['metrics'],
  ['results'],
  ['report', 'plots'],
  ['experiments'],
  ['session'],
];

const above = (i) => LAYERS.slice(i + 1).flat();
const layerZones = LAYERS.flatMap((layer, i) =>
  layer.map((folder) => ({
    target: `./src/${folder}`,
    from: [...above(i).map((f) => `./src/${f}`), './src/index.ts', './scripts', './bench', './notebooks', './test'],
    message: `src/${folder} is in layer ${i} and must not import a higher layer (order: ${LAYERS.map((l) => l.join('|')).join(' -> ')}; see docs/architecture.md)`,
  })),
);
// The temporary allowance, spelled out as its own zones so that every other file of src/experiments stays forbidden.
layerZones.push({
  target: './src',
  from: ['./scripts', './bench', './notebooks', './test'],
  message: 'src/ must not import scripts, bench, notebooks or test',
});

/**
 * The doors into src/ for scripts/ and bench/: src/index.ts (the public API) or a folder's barrel (its internals,
 * documented as such); never a file inside a folder. The barrels are found on disk, so a new folder needs no edit here.
 */
function barrels(dir, rel = '') {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const r = rel ? `${rel}/${e.name}` : e.name;
      return [...(existsSync(join(dir, r, 'index.ts')) ? [r] : []), ...barrels(dir, r)];
    });
}
const BARRELS = barrels(join(import.meta.dirname, 'src'));
export const DEEP_IMPORT = {
  regex: `^(\\.\\./)+src/(?!(?:${BARRELS.join('|')})$).+`,
  message:
    'scripts and bench import src/ through src/index.ts or a folder barrel (src/<folder>), not a file inside a folder',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'results/**', '.jupyter/**', 'notebooks/**/*.ipynb'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT] }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
