import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { waitUntil } from '../helpers/wait-until.js';
import { browserFor, clickAndWait } from './harness.js';

// clickAndWait after a full navigation that cut off a request of the previous page. Puppeteer never sees such a request
// end (no response, no failure): page.waitForNetworkIdle counted it as in flight for good, so every later clickAndWait
// timed out. That was the two-way e2e file's failure on PGlite: `visit` left the page just signed in to while it was
// still loading the header's sync-status route module, and "See the run" then waited 30 s for an idle network.
t.test('a click waits for its own requests, not for one a navigation cut off before it', async (t) => {
  let slowAsked = false;
  const held: http.ServerResponse[] = [];
  const pings: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/slow.js') {
      slowAsked = true;
      held.push(res); // answered only at the end: the navigation cuts it off
      return;
    }
    if (req.url === '/ping') {
      pings.push(req.url);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    if (req.url === '/one') res.end('<!doctype html><p>one</p><script type="module">import("/slow.js")</script>');
    else res.end('<!doctype html><p>two</p><button id="go" onclick="fetch(\'/ping\')">Go</button>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const res of held) res.destroy();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser = await browserFor(t);
  const context = await browser.createBrowserContext();
  t.teardown(() => context.close().catch(() => {}));
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);

  await page.goto(`${base}/one`);
  await waitUntil(() => slowAsked, 'the first page to ask for its module');
  await page.goto(`${base}/two`, { waitUntil: 'networkidle0' });

  await clickAndWait(page, '#go');
  t.same(pings, ['/ping'], "the click's request was made and answered");
});
