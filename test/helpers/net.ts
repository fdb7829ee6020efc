import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1. Tests that need PUBLIC_URL (an OAuth callback URI)
 * before the app is built pick the port first and then listen on it.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
