import t, { type Test } from 'tap';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { pickEncoding, sendWebResponse } from '../../../server/src/plugins/admin-ui/web-adapter.js';

const html = (extra: Record<string, string> = {}) => new Headers({ 'content-type': 'text/html', ...extra });

t.test('pickEncoding: brotli, else gzip, for text the browser accepts compressed', async (t) => {
  t.equal(pickEncoding('gzip, deflate, br', html()), 'br');
  t.equal(pickEncoding('gzip, deflate', html()), 'gzip');
  t.equal(pickEncoding('br;q=0, gzip;q=0.5', html()), 'gzip', 'q=0 refuses an encoding');
  t.equal(pickEncoding('*', html()), 'br');
  t.equal(pickEncoding('identity', html()), null);
  t.equal(pickEncoding(undefined, html()), null);
  t.equal(pickEncoding('br', new Headers({ 'content-type': 'text/x-script' })), 'br', "a page's data (client navigations)");
  t.equal(pickEncoding('br', new Headers({ 'content-type': 'image/png' })), null, 'not images');
  t.equal(pickEncoding('br', html({ 'content-length': '120' })), null, 'not tiny bodies');
  t.equal(pickEncoding('br', html({ 'content-encoding': 'gzip' })), null, 'not twice');
});

/** A server answering every request with `response()` through sendWebResponse. */
async function serve(t: Test, response: () => Response) {
  const server = createServer((req, res) => void sendWebResponse(res, response(), { 'x-extra': 'yes' }, []));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function get(url: string, acceptEncoding?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, resolve)
      .on('error', reject)
      .end();
  });
}

async function bodyOf(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

t.test('a page goes out compressed as the browser accepts it, byte for byte, and plain otherwise', async (t) => {
  const page = `<!DOCTYPE html><html><body>${'<tr><td>Integration ✓ é 🙂</td></tr>'.repeat(2000)}</body></html>`;
  const url = await serve(t, () => new Response(page, { headers: { 'content-type': 'text/html' } }));

  const br = await get(url, 'gzip, deflate, br');
  t.equal(br.headers['content-encoding'], 'br');
  t.equal(br.headers['vary'], 'Accept-Encoding');
  t.equal(br.headers['x-extra'], 'yes', "Fastify's headers still go out");
  const brBytes = await bodyOf(br);
  t.ok(brBytes.length < page.length / 10, `compressed (${brBytes.length} bytes for ${Buffer.byteLength(page)})`);
  t.equal(zlib.brotliDecompressSync(brBytes).toString('utf8'), page);

  const gzip = await get(url, 'gzip');
  t.equal(gzip.headers['content-encoding'], 'gzip');
  t.equal(zlib.gunzipSync(await bodyOf(gzip)).toString('utf8'), page);

  const plain = await get(url);
  t.equal(plain.headers['content-encoding'], undefined);
  t.equal((await bodyOf(plain)).toString('utf8'), page);
});

t.test('compression keeps streaming: what the page has sent reaches the browser before the rest is ready', async (t) => {
  let release!: () => void;
  const rest = new Promise<void>((resolve) => (release = resolve));
  const url = await serve(
    t,
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode('<html><body><p>the shell</p>'));
            await rest; // a part still waiting on its data
            controller.enqueue(new TextEncoder().encode('<p>the rest</p></body></html>'));
            controller.close();
          },
        }),
        { headers: { 'content-type': 'text/html' } },
      ),
  );
  const res = await get(url, 'br');
  t.equal(res.headers['content-encoding'], 'br');
  const decoded = res.pipe(zlib.createBrotliDecompress());
  // Without a flush the compressor would hold the shell until the end: the rest is then released after 3 s instead.
  const fallback = setTimeout(release, 3000);
  let text = '';
  let shellFirst = false;
  for await (const chunk of decoded) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('the shell') && !text.includes('the rest')) {
      shellFirst = true;
      release();
    }
  }
  clearTimeout(fallback);
  t.ok(shellFirst, 'the shell arrived, decoded, while the rest was not yet written');
  t.equal(text, '<html><body><p>the shell</p><p>the rest</p></body></html>');
});

t.test('no body for HEAD, redirects and 304s: nothing compressed, no Content-Encoding', async (t) => {
  const url = await serve(t, () => new Response(null, { status: 302, headers: { location: '/login', 'content-type': 'text/html' } }));
  const res = await get(url, 'br');
  t.equal(res.statusCode, 302);
  t.equal(res.headers['content-encoding'], undefined);
  t.equal((await bodyOf(res)).length, 0);
});
