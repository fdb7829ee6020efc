import { defineConfig } from 'vitest/config';

// Unit tests render components to HTML with react-dom/server and test pure helpers: no browser needed.
export default defineConfig({
  resolve: { alias: { '~': new URL('./app', import.meta.url).pathname } },
  test: { include: ['app/**/*.test.{ts,tsx}'], environment: 'node' },
});
