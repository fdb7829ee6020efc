import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built client files. Files under /assets/ carry a content hash in their names, so browsers may
 * keep them for a year without asking again; everything else is revalidated.
 */
export function registerStaticAssets(app: FastifyInstance, clientDir: string) {
  const root = path.resolve(clientDir);
  app.get('/assets/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const relative = (request.params as { '*': string })['*'];
    const file = path.resolve(root, 'assets', relative);
    // Resolved paths outside the assets folder (../ tricks, encoded or not) do not exist for the browser.
    if (!file.startsWith(path.join(root, 'assets') + path.sep)) return reply.callNotFound();
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return reply.callNotFound();
    reply.header('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
    reply.header('content-length', info.size);
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(createReadStream(file));
  });
  // Browsers ask for /favicon.ico on their own; the pages link /favicon.svg.
  app.get('/favicon.:ext(^ico|svg$)', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const file = path.join(root, 'favicon.svg');
    reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400');
    return reply.send(createReadStream(file));
  });
}
