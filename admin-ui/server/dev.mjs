// Development mode: Vite compiles the admin UI on demand and reloads it on change. Loaded by the API's
// admin-ui plugin with ADMIN_UI=vite; it lives here so `vite` resolves from the admin UI's own packages.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function createDevServer({ httpServer }) {
  const vite = await createServer({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    appType: 'custom',
    server: { middlewareMode: true, hmr: { server: httpServer } },
  });
  return {
    middlewares: vite.middlewares,
    async loadHandler() {
      return (await vite.ssrLoadModule('./server/app.ts')).handleRequest;
    },
    close: () => vite.close(),
  };
}
