import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { createSameOriginChecks, UI_PAGES_ROUTE } from '../same-origin.js';
import { createApiBridge } from './api-bridge.js';
import { registerStaticAssets } from './static-assets.js';
import { sendWebResponse, toWebRequest } from './web-adapter.js';

/**
 * The repository's admin-ui folder: the nearest one above this module, which is server/src/plugins/admin-ui under tsx
 * and a file of `npm run build`'s bundle in dist/ in production; both sit in the repository.
 */
export const ADMIN_UI_DIR = findAdminUi(path.dirname(fileURLToPath(import.meta.url)));
function findAdminUi(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'admin-ui', 'package.json'))) return path.join(dir, 'admin-ui');
    if (path.dirname(dir) === dir) return path.resolve(from, '../../../../admin-ui');
  }
}
const SERVER_BUILD = path.join(ADMIN_UI_DIR, 'build/server/index.js');

/** React Router's request handler (admin-ui/server/handler.mjs). */
type UiHandler = (request: Request, loadContext: unknown) => Promise<Response>;
interface DevServer {
  middlewares: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  loadHandler(): Promise<UiHandler>;
  close(): Promise<void>;
}

/**
 * The production build's handler, imported when the first page is asked for rather than at start-up: the server build
 * with React, React DOM's server renderer and React Router is ~2 MB of module source, 4–7 MiB of a process's resident
 * memory after start-up and ~0.1–0.2 s of its start-up CPU, which an API process that serves no pages (or not yet) never
 * needs. The first page waits for the import instead; a failed import is retried by the next page.
 */
function firstPageLoadsHandler(): () => Promise<UiHandler> {
  let loading: Promise<UiHandler> | null = null;
  const load = async () => {
    const { createUiHandler } = await import(pathToFileURL(path.join(ADMIN_UI_DIR, 'server/handler.mjs')).href);
    const build = await import(pathToFileURL(SERVER_BUILD).href);
    return createUiHandler(() => Promise.resolve(build), 'production') as UiHandler;
  };
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    }));
}

export interface AdminUiOptions {
  config: Config;
  /** The demo accounts the seed creates (server/src/seed/demo.ts), listed on the sign-in page when demo data is on. */
  demoLogins: readonly { email: string; role: string }[];
}

/**
 * Serves the admin UI (React Router 7, framework mode) from the API's own process: every path that is not an
 * API route renders the UI on the server. 'build' mode serves the production build with long-lived cache
 * headers for hashed assets; 'vite' mode compiles on demand through Vite's middleware (hot reload).
 */
export default async function adminUiPlugin(app: FastifyInstance, { config, demoLogins }: AdminUiOptions) {
  if (config.adminUi === 'off') return;

  let dev: DevServer | null = null;
  let getHandler: () => Promise<UiHandler>;
  if (config.adminUi === 'vite') {
    const { createDevServer } = await import(pathToFileURL(path.join(ADMIN_UI_DIR, 'server/dev.mjs')).href);
    dev = (await createDevServer({ httpServer: app.server })) as DevServer;
    getHandler = () => dev!.loadHandler();
    app.addHook('onClose', async () => dev!.close());
  } else {
    if (!existsSync(SERVER_BUILD)) {
      throw new Error(
        'ADMIN_UI=build but admin-ui has not been built: run `npm run build:ui` (or start with ADMIN_UI=vite, or ADMIN_UI=off for the API only)',
      );
    }
    getHandler = firstPageLoadsHandler();
    registerStaticAssets(app, path.join(ADMIN_UI_DIR, 'build/client'));
  }

  const apiFor = createApiBridge(app, config.publicUrl);
  // Outside production, with demo data on, the sign-in page lists the demo logins (as `npm start` prints them).
  // The password is shown only when it is the documented default, never a DEMO_PASSWORD someone chose.
  const demo = config.seedDemoOnStart ? { logins: demoLogins, password: process.env.DEMO_PASSWORD ? null : config.demoPassword } : null;
  // A form posted from another site must not act with this browser's session (defence in depth beside SameSite cookies).
  const { refuseCrossSiteForms } = createSameOriginChecks(config.publicUrl);

  await app.register(async (ui) => {
    // The UI's routes read their own bodies (forms, JSON from fetchers): hand them the raw stream.
    ui.removeAllContentTypeParsers();
    ui.addContentTypeParser('*', (_request, _payload, done) => done(null));

    ui.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: UI_PAGES_ROUTE,
      config: { access: 'public' },
      schema: { hide: true },
      handler: async (request, reply) => {
        // Unknown API paths stay JSON 404s; they never fall through to a page.
        if (request.url.startsWith('/api/') || request.url === '/api') return reply.callNotFound();
        refuseCrossSiteForms(request);
        // Pages need `same-origin` rather than the API's `no-referrer`: under no-referrer, browsers send
        // "Origin: null" with a plain form post, and the cross-site form checks would refuse the UI's own forms.
        reply.header('referrer-policy', 'same-origin');
        const cspNonce = randomBytes(16).toString('base64');
        reply.header('content-security-policy', pageCsp(cspNonce, dev !== null));
        reply.hijack();
        if (dev && (await servedByVite(dev, request.raw, reply.raw))) return;

        const api = apiFor(request);
        const loadContext = {
          api: { call: api.call },
          setCookie: api.setCookie,
          requestId: request.id,
          publicUrl: config.publicUrl,
          sso: config.sso ? { name: config.sso.name } : null,
          demo,
          cspNonce,
        };
        try {
          const handler = await getHandler();
          const response = await handler(toWebRequest(request, reply, config.bodyLimitBytes), loadContext);
          await sendWebResponse(reply.raw, response, reply.getHeaders() as Record<string, string>, api.cookiesForBrowser);
        } catch (err) {
          // React Router turns loader and render errors into error pages; this is the machinery itself failing.
          request.log.error({ err }, 'admin UI request failed');
          if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          reply.raw.end(
            'Something went wrong. Reload the page; if it keeps happening, tell your administrator the request id ' + request.id,
          );
        }
      },
    });
  });
}

/**
 * The pages' Content-Security-Policy: scripts only from this origin or inline with this response's nonce (React
 * Router's hydration data and module loader carry it; see admin-ui/app/entry.server.tsx), nothing framed, no
 * plugins, no <base> rewrites. Inline style attributes are allowed (the UI sets a few, e.g. chart bar sizes); they
 * cannot run code. No form-action: connecting an integration posts a form whose answer redirects to the provider,
 * which browsers would check against form-action. Vite's development server adds its HMR websocket.
 */
function pageCsp(nonce: string, viteDev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${viteDev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Lets Vite answer its own requests (modules, assets, HMR client); resolves false when it passes. */
function servedByVite(dev: DevServer, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    res.once('finish', () => resolve(true));
    dev.middlewares(req, res, () => resolve(false));
  });
}
