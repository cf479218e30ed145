/** Opening a port, as both servers of the node adapter do (the HTTP APIs' and the IM WebSocket's). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on `host` and `port` (0: a free one); resolves with the port taken and the URL clients use,
 * or rejects with the listen error (EADDRINUSE and the like).
 * @example const { url } = await listenOn(server, 0, '127.0.0.1', 'http');
 */
export function listenOn(server: Server, port: number, host: string, scheme: 'http' | 'ws'): Promise<{ port: number; url: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const taken = (server.address() as AddressInfo).port;
      resolve({ port: taken, url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${taken}` });
    });
  });
}
