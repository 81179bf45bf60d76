// Lint: the few rules that catch real bugs here, and the layer rules of design.md as import restrictions.
// Layers, lowest first: errors, protocol, core, sdk, backends, runtime, then the edges (grpc, cli, dashboard,
// testing). A layer imports only layers below it; the linter fails on any import across the line and on cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** One restriction block: files matching `files` may not import from any of `forbidden` (folder names under src/). */
function layer(files, forbidden, why) {
  return {
    files,
    ignores: ['**/*.test.ts'], // a test may wire several layers together
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((folder) => ({
            group: [`**/${folder}/*`, `**/${folder}/**`, `../${folder}`, `./${folder}`],
            message: why,
          })),
        },
      ],
    },
  };
}

const edges = ['grpc', 'cli', 'dashboard', 'testing'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/protocol/wire/gen/**', 'test-artifacts/**', '**/*.mjs', 'web/dist/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()], 'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] } },
    rules: {
      // node:test's describe/test return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  layer(['src/protocol/**'], ['core', 'sdk', 'backends', 'runtime', ...edges], 'protocol is the bottom layer: plain data'),
  layer(['src/core/**'], ['sdk', 'backends', 'runtime', ...edges], 'the core is pure: it imports no backend, runtime or transport'),
  layer(['src/sdk/**'], ['backends', 'runtime', ...edges], 'the SDK sits on the core; it imports no backend, runtime or transport'),
  layer(['src/backends/**'], ['runtime', ...edges], 'backends import no runtime or transport'),
  layer(['src/runtime/**'], edges, 'the runtime imports no transport or edge'),
);
