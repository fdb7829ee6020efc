import { defineConfig } from 'vitest/config';

// Pure helpers run in Node; component tests render into happy-dom (their `// @vitest-environment happy-dom` line) and query
// it with Testing Library, the way a person or a screen reader finds things: no browser needed.
export default defineConfig({
  resolve: { alias: { '~': new URL('./app', import.meta.url).pathname } },
  test: { include: ['app/**/*.test.{ts,tsx}'], environment: 'node' },
});
