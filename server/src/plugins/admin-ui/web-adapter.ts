import { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest } from '../../lib/errors.js';

/**
 * Turns a Fastify request into the Fetch API `Request` React Router's handler expects. The body is the raw
 * stream (the UI's routes parse forms themselves), cut off at `bodyLimit` bytes; the request is aborted
 * when the browser goes away, so loaders stop their work.
 */
export function toWebRequest(request: FastifyRequest, reply: FastifyReply, bodyLimit: number): Request {
  // The address the browser used (React Router compares it with a form post's Origin header).
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const controller = new AbortController();
  reply.raw.on('close', () => controller.abort());

  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }

  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, signal: controller.signal };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    let seen = 0;
    const limited = request.raw.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > bodyLimit) done(new BadRequest(`The form is larger than ${bodyLimit} bytes`));
          else done(null, chunk);
        },
      }),
    );
    init.body = Readable.toWeb(limited) as ReadableStream;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

/**
 * What pages and their data go out compressed as: brotli at quality 4 or gzip at level 4, the fast settings that get
 * most of the gain on markup (the integrations page: 118 KB becomes 11 KB for ~1 ms of CPU; quality 11, the
 * default, is for files compressed once). Scripts and styles are compressed at build time (static-assets.ts).
 */
const BROTLI = {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
};
const GZIP = { level: 4 };
/** Smaller bodies (a redirect's, a short JSON answer) are not worth compressing. */
const MIN_COMPRESS_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/i;

/** The encoding to send a response body in: brotli or gzip when the browser accepts it and the body is text. */
export function pickEncoding(acceptEncoding: string | undefined, headers: Headers): 'br' | 'gzip' | null {
  if (!acceptEncoding || headers.has('content-encoding')) return null;
  if (!COMPRESSIBLE.test(headers.get('content-type') ?? '')) return null;
  const length = headers.get('content-length');
  if (length !== null && Number(length) < MIN_COMPRESS_BYTES) return null;
  const accepted = new Map(
    acceptEncoding.split(',').map((part) => {
      const [name, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return [name!.trim(), q ? Number(q.slice(2)) : 1] as const;
    }),
  );
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

/**
 * Writes a Fetch API `Response` to Node's response, streaming the body with backpressure, compressed when the browser
 * accepts it. Streaming survives compression: the compressor is flushed whenever the page stops producing for a
 * moment (React sends the shell, then each part that was waiting on data), so what is ready reaches the browser then.
 */
export async function sendWebResponse(
  raw: ServerResponse,
  response: Response,
  extraHeaders: Record<string, string | number | string[]>,
  extraCookies: string[],
) {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(extraHeaders)) headers[name] = typeof value === 'number' ? String(value) : value;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = [...extraCookies, ...response.headers.getSetCookie()];
  if (cookies.length) headers['set-cookie'] = cookies;
  const hasBody = response.body !== null && raw.req.method !== 'HEAD' && response.status !== 204 && response.status !== 304;
  const encoding = hasBody ? pickEncoding(raw.req.headers['accept-encoding'], response.headers) : null;
  if (encoding) {
    headers['content-encoding'] = encoding;
    delete headers['content-length'];
  }
  // Whether a page goes out compressed depends on Accept-Encoding: caches must keep the variants apart.
  if (hasBody && COMPRESSIBLE.test(response.headers.get('content-type') ?? '')) {
    const vary = headers['vary'];
    headers['vary'] = vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding';
  }
  raw.writeHead(response.status, headers);
  if (!hasBody) {
    raw.end();
    return;
  }
  const body = Readable.fromWeb(response.body as never);
  const z = encoding ? compressor(encoding, body, raw) : null;
  await new Promise<void>((resolve) => {
    body.on('error', () => {
      raw.destroy();
      resolve();
    });
    raw.on('close', () => {
      body.destroy();
      z?.destroy();
      resolve();
    });
    if (!z) body.pipe(raw);
  });
}

/**
 * A brotli or gzip stream from `body` into `raw`. The chunks that arrive together (React writes a page in 2 KB
 * pieces, in bursts) are compressed as one write, which costs a quarter of one write each; the compressor is
 * flushed after each burst, so what is ready goes out while the page waits for more.
 */
function compressor(encoding: 'br' | 'gzip', body: Readable, raw: ServerResponse): zlib.BrotliCompress | zlib.Gzip {
  const z = encoding === 'br' ? zlib.createBrotliCompress(BROTLI) : zlib.createGzip(GZIP);
  z.on('error', () => raw.destroy());
  z.pipe(raw);
  let burst: Buffer[] = [];
  let scheduled = false;
  const writeBurst = () => {
    if (!burst.length) return;
    const chunk = burst.length === 1 ? burst[0]! : Buffer.concat(burst);
    burst = [];
    if (!z.write(chunk)) {
      body.pause();
      z.once('drain', () => body.resume());
    }
  };
  body.on('data', (chunk: Buffer) => {
    burst.push(chunk);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (z.writableEnded || z.destroyed) return;
      writeBurst();
      z.flush();
    });
  });
  body.on('end', () => {
    if (z.destroyed) return;
    writeBurst();
    z.end();
  });
  return z;
}
