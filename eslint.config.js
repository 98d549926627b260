// ESLint flat config: typescript-eslint's recommended rules with type information (about 30 s for
// the whole tree on two cores), so no-floating-promises and no-misused-promises see every promise.
// Layout is Prettier's job (.prettierrc.json): no stylistic rules here. A rule is turned off only
// with the reason next to it.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'docs/', 'tests/fixtures/', 'bench/results/', 'bench/work/', 'bench/data/', 'data/', 'out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Control characters are matched on purpose: input with them is refused or stripped before it
      // reaches a terminal, a log, a spreadsheet cell or a URL (row-router, validate, terminal, ...).
      'no-control-regex': 'off',
      // An async function without await still turns a throw into a rejection, which callers rely on
      // (openPostgres, async generators feeding COPY); dropping `async` would change that.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a value left out on purpose, as in `({ load_id: _l, ...rest }) => rest`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The mapper is compiled once per file from our own column specs; every field name is checked
    // against /^[a-z_][a-z0-9_]*$/ first, and no text from the file reaches the function body.
    files: ['sources/csv.ts'],
    rules: { '@typescript-eslint/no-implied-eval': 'off' },
  },
  {
    // Section<any>: one list holds sections whose rows have different types.
    files: ['reports/overleg/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Tests read JSON.parse output, mails and query rows as `any` and then assert on them: a wrong
      // shape fails the assertion, so typing every fixture would add casts, not safety.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests swap and restore methods such as process.stdout.write to capture output.
      '@typescript-eslint/unbound-method': 'off',
      // The SFTP and SMTP test servers answer in async event handlers: a throw there is an unhandled
      // rejection, which vitest reports as a failed run, the outcome a test wants.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
