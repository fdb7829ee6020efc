/**
 * The webhook benchmark's receiver (started with IPC by ./webhooks.ts): a plain node:http server in a process of
 * its own, so the delivery workers and the bare POST loop both send to the same receiver, whose CPU is neither
 * the workers' nor the load generator's. It answers 204 at once and notes when each request arrived.
 *
 * IPC: sends { type: 'ready', port, pid }. { type: 'reset' } forgets what arrived; { type: 'count' } answers how many
 * requests arrived since; { type: 'report' } answers with
 * the arrivals ({ id: webhook-id header, path, at: ms since the epoch, sub-millisecond }) and the first requests whole
 * (headers and raw body, for the signature check); { type: 'stop' } closes and exits.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

const SAMPLES = 50;
const send = (msg: unknown) => new Promise<void>((resolve) => process.send!(msg, () => resolve()));
const now = () => performance.timeOrigin + performance.now();

let arrivals: { id: string; path: string; at: number }[] = [];
let samples: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    arrivals.push({ id: String(req.headers['webhook-id'] ?? ''), path: req.url ?? '', at: now() });
    if (samples.length < SAMPLES) samples.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'reset') {
    arrivals = [];
    samples = [];
    void send({ type: 'reset' });
  } else if (msg.type === 'count') {
    void send({ type: 'count', count: arrivals.length });
  } else if (msg.type === 'report') {
    void send({ type: 'report', arrivals, samples });
  } else if (msg.type === 'stop') {
    server.closeAllConnections();
    server.close(() => void send({ type: 'stopped' }).then(() => process.exit(0)));
  }
});

server.listen(0, '127.0.0.1', () => {
  void send({ type: 'ready', port: (server.address() as AddressInfo).port, pid: process.pid });
});
