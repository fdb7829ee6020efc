import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Serves the built client files through @fastify/static (content types from its MIME database, ETag and
 * Last-Modified, ranges, HEAD; no directory listing, no dotfiles, no path outside the folder). Files under
 * /assets/ carry a content hash in their names, so browsers may keep them for a year without asking again;
 * everything else is revalidated. Scripts and stylesheets go out brotli- or gzip-compressed when the browser
 * accepts it. A missing file goes to the not-found handler, as any unknown path.
 */
export function registerStaticAssets(app: FastifyInstance, clientDir: string) {
  const root = path.resolve(clientDir);
  // Registered in the plugin's own queue: the parent's routes and this one load together.
  void app.register(async (assets) => {
    // Every route declares its access (plugins/access.ts); the plugin's routes cannot take a config, so set it here.
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await assets.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      list: false,
      index: false,
      redirect: false,
      allowedPath: (pathname) => !pathname.endsWith('/'), // a folder is not found (send would answer 403)
      decorateReply: false,
      immutable: true,
      maxAge: YEAR_MS, // with `immutable`: "public, max-age=31536000, immutable"
      // The build writes .br and .gz copies of scripts and stylesheets (admin-ui/vite.config.ts): send the one the
      // browser accepts, compressed once at build time instead of on every request.
      preCompressed: true,
      setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
    });
    // Browsers ask for /favicon.ico on their own; the pages link /favicon.svg.
    await assets.register(fastifyStatic, {
      root,
      serve: false,
      maxAge: 24 * 60 * 60 * 1000,
    });
    assets.get('/favicon.:ext(^ico|svg$)', { schema: { hide: true } }, (_request, reply) => reply.sendFile('favicon.svg'));
  });
}
