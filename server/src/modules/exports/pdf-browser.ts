import pLimit from 'p-limit';
import type { Browser, BrowserContext, HTTPRequest } from 'puppeteer-core';
import { launchChromium } from '../../lib/chromium.js';

/**
 * PDF rendering with one warm Chromium per process: launched on the first report (a cold start costs
 * about a second, a new page a few milliseconds), relaunched if it dies, closed with the app. Each report
 * gets its own incognito context and page with JavaScript off and every request refused except inline
 * `data:` URLs, so report content can neither run code nor reach the network (docs/architecture.md, Security model → Exports).
 */
export interface PdfDocument {
  html: string;
  headerTemplate: string;
  footerTemplate: string;
}

export interface PdfRenderer {
  render(doc: PdfDocument, signal?: AbortSignal): Promise<Buffer>;
  close(): Promise<void>;
}

export class RenderAborted extends Error {
  constructor() {
    super('PDF rendering was aborted');
    this.name = 'RenderAborted';
  }
}

/** Requests a report page may make: its own inline data, nothing from any network. */
export function allowReportRequest(url: string): boolean {
  return url.startsWith('data:') || url === 'about:blank';
}

const RENDER_TIMEOUT_MS = 30_000;

/** Paper and margins of every report (the margins leave room for the header and footer templates). */
export const REPORT_PDF_OPTIONS = {
  format: 'A4',
  landscape: true,
  printBackground: true,
  displayHeaderFooter: true,
  margin: { top: '18mm', bottom: '16mm', left: '12mm', right: '12mm' },
} as const;

export function createPdfRenderer(options: { launch?: () => Promise<Browser>; maxConcurrent?: number } = {}): PdfRenderer {
  const launch = options.launch ?? (() => launchChromium());
  const maxConcurrent = options.maxConcurrent ?? 2;
  let browser: Promise<Browser> | null = null;
  let closed = false;
  // Each page holds a renderer process's memory: a few reports at once, the rest wait their turn (in order).
  const limit = pLimit(maxConcurrent);

  function getBrowser(): Promise<Browser> {
    if (closed) return Promise.reject(new Error('The PDF renderer is closed'));
    if (!browser) {
      const launching = launch();
      browser = launching;
      launching.then(
        (b) =>
          b.once('disconnected', () => {
            if (browser === launching) browser = null;
          }),
        () => {
          if (browser === launching) browser = null;
        },
      );
    }
    return browser;
  }

  async function renderPage(doc: PdfDocument, signal?: AbortSignal): Promise<Buffer> {
    let context: BrowserContext | null = null;
    const onAbort = () => {
      void context?.close().catch(() => {});
    };
    try {
      if (signal?.aborted) throw new RenderAborted();
      context = await (await getBrowser()).createBrowserContext();
      signal?.addEventListener('abort', onAbort, { once: true });
      const page = await context.newPage();
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request: HTTPRequest) => {
        if (allowReportRequest(request.url())) void request.continue();
        else void request.abort('blockedbyclient');
      });
      await page.setContent(doc.html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
      const pdf = await page.pdf({
        ...REPORT_PDF_OPTIONS,
        headerTemplate: doc.headerTemplate,
        footerTemplate: doc.footerTemplate,
        timeout: RENDER_TIMEOUT_MS,
      });
      return Buffer.from(pdf);
    } catch (err) {
      if (signal?.aborted) throw new RenderAborted();
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await context?.close().catch(() => {});
    }
  }

  return {
    render(doc, signal) {
      return limit(() => renderPage(doc, signal));
    },

    async close() {
      closed = true;
      const current = browser;
      browser = null;
      if (current)
        await current.then(
          (b) => b.close(),
          () => {},
        );
    },
  };
}
