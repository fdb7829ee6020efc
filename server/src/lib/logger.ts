import type { FastifyServerOptions } from 'fastify';

/** Query parameters that carry credentials (OAuth callbacks, invitation links) are masked in logged URLs. */
const SECRET_QUERY = /([?&](?:code|state|token|access_token|refresh_token|password|client_secret|api_key)=)[^&]*/gi;

/** An invitation link carries its token in the path (/invite/<token>). */
const INVITATION_PATH = /^(\/invite\/)[^/?#]+/;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]').replace(INVITATION_PATH, '$1[redacted]');
}

/** pino options: request ids, no credentials in any line (headers, cookies, bodies, URLs). */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
        '*.clientSecret',
        '*.apiKey',
        '*.token',
        '*.access_token',
        '*.refresh_token',
        '*.client_secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
    },
  };
}
