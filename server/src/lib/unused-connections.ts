import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Closing the server ends the connections that never sent a request. Node's `server.close()` waits for every
 * connection, and `closeIdleConnections()` (which Fastify calls) ends only those that finished a request: a socket that
 * connected and sent nothing — a browser's preconnect, a load balancer's spare, a client pool's extra — kept a shutdown
 * waiting until Node's header timeout (about a minute), past the 15 s after which main.ts gives up and exits 1.
 * No request of such a connection has been received, so ending it loses nothing; requests in flight finish as before.
 */
export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of unused) socket.destroy();
    unused.clear();
    done();
  });
}
