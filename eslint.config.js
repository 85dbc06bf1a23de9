// Lint rules also enforce the house rule that imports point down only:
// renderer → shared; main/cli/server → engine → shared.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto']
const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group] })) }],
})

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'resources',
      'test-results',
      'playwright-report',
      'training',
      '.tmp',
      'bench/data',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([
      ...nodeBuiltins,
      '**/engine/**',
      '**/main/**',
      '**/renderer/**',
      '**/cli/**',
      '**/server/**',
      'electron',
    ]),
  },
  {
    files: ['src/renderer/**/*.ts'],
    rules: restrict([
      ...nodeBuiltins,
      '**/engine/**',
      '**/main/**',
      '**/cli/**',
      '**/server/**',
      'electron',
      'better-sqlite3',
      'onnxruntime-node',
    ]),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict(['electron', '**/main/**', '**/renderer/**', '**/cli/**', '**/server/**']),
  },
)
