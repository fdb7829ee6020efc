// ESLint: typescript-eslint's recommended rules everywhere, plus React's hook rules for the admin UI.
// Formatting is Prettier's job (`npm run format`), so no stylistic rules live here.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'admin-ui/build/**',
      'admin-ui/.react-router/**',
      '.data/**',
      '.tap/**',
      'coverage/**',
      'test/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a binding kept for its position, or a property dropped from a rest object.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Input checks look for control characters on purpose (NUL, C0 controls in paths and names).
      'no-control-regex': 'off',
    },
  },
  {
    // Kysely's documented migration signature takes `Kysely<any>`: a migration must not depend on today's schema types.
    files: ['db/migrations/**/*.ts', 'db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // A function longer than a screen or two hides its steps: split it into named helpers (or a route plugin into
    // resource groups) so each piece can be read, and reviewed, on its own.
    files: ['server/src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['admin-ui/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
