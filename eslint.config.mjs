import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.rig/**', '.vscode-test/**', 'examples/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // the engine never imports the VS Code API or its adapters
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['vscode'], message: 'src/core must not import vscode' },
        { group: ['**/extension/**', '**/cli/**', '../extension', '../cli'], message: 'src/core must not import the adapters' },
      ] }],
    },
  },
  {
    // the CLI finds the engine in dist/engine.js at run time; a value import of any other
    // core module would bundle a second copy of it into dist/cli.js (scripts/build.mjs refuses it too)
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        { group: ['**/core/**', '!**/core/engine'], allowTypeImports: true, message: 'src/cli imports values of src/core from src/core/engine; other core modules only with `import type`' },
      ] }],
    },
  },
  {
    // activation loads dist/extension.js only: core/config's index reaches the YAML parser, which belongs to the engine
    files: ['src/extension/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [
        { name: '../core/config', allowTypeImports: true, message: 'import the core/config module you need (credentials, secrets, model), not the index, which brings the YAML parser into activation' },
        { name: '../../core/config', allowTypeImports: true, message: 'import the core/config module you need (credentials, secrets, model), not the index, which brings the YAML parser into activation' },
      ] }],
    },
  },
);
