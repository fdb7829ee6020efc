// Development mode: Vite compiles the admin UI on demand and reloads it on change. Loaded by the API's
// admin-ui plugin with ADMIN_UI=vite; it lives here so `vite` resolves from the admin UI's own packages.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { createUiHandler } from './handler.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function createDevServer({ httpServer }) {
  const vite = await createServer({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    appType: 'custom',
    server: { middlewareMode: true, hmr: { server: httpServer } },
  });
  // The build is loaded again on every request, so edits show on the next page load.
  const handler = createUiHandler(() => vite.ssrLoadModule('virtual:react-router/server-build'), 'development');
  return { middlewares: vite.middlewares, loadHandler: async () => handler, close: () => vite.close() };
}
