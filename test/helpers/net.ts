import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default ephemeral range starts here; read the machine's own setting where there is one. */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && low > 2048) return low;
  } catch {
    // not Linux: fall through to the IANA dynamic range's start
  }
  return 32768;
}

const LOWEST = 10_000;

function listensOn(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port that is free on 127.0.0.1 now, for tests that need PUBLIC_URL (an OAuth callback URI) before the app is
 * built: they pick the port first and listen on it later. It is drawn from below the kernel's ephemeral range:
 * a port the kernel handed out with `listen(0)` goes back to that pool when closed, and the next outgoing
 * connection of any process (a Postgres client, an HTTP request) could take it before the test listens —
 * with several test files at once that happened (EADDRINUSE). Ports below the range are only ever taken by
 * an explicit listen, so only another test drawing the same random port could collide.
 */
export async function freePort(): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (await listensOn(port)) return port;
  }
  throw new Error(`No free port found on 127.0.0.1 between ${LOWEST} and ${highest} after 50 tries`);
}
