import { Readable, Transform } from 'node:stream';
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

/** Writes a Fetch API `Response` to Node's response, streaming the body with backpressure. */
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
  raw.writeHead(response.status, headers);
  if (!response.body || raw.req.method === 'HEAD') {
    raw.end();
    return;
  }
  const body = Readable.fromWeb(response.body as never);
  await new Promise<void>((resolve) => {
    body.on('error', () => {
      raw.destroy();
      resolve();
    });
    raw.on('close', () => {
      body.destroy();
      resolve();
    });
    body.pipe(raw);
  });
}
