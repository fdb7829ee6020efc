import { defineConfig } from 'vitest/config';

// Pure helpers run in Node; component tests render into happy-dom (their `// @vitest-environment happy-dom` line) and query
// it with Testing Library, the way a person or a screen reader finds things: no browser needed.
// The files share their workers' module graph and environment (`isolate: false`, worker threads rather than child
// processes): isolating each of the ~20 files re-imported React, Testing Library and happy-dom every time, which was
// most of the run — 16.3 s → 6.3 s of CPU for the same 171 tests. So a test file must leave nothing behind: component
// tests unmount with `afterEach(cleanup)`, and nothing stubs globals or modules without restoring them.
export default defineConfig({
  resolve: { alias: { '~': new URL('./app', import.meta.url).pathname } },
  test: { include: ['app/**/*.test.{ts,tsx}'], environment: 'node', pool: 'threads', isolate: false },
});
