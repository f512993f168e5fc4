/**
 * One HTTP server on PORT/HOST for health, metrics, Slack HTTP mode and ingest. Routes are plain
 * node:http handlers so Bolt's request listener can be mounted as is (it needs the raw body for
 * signature verification, so nothing here parses bodies globally).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: RouteHandler;
}

export interface HttpServer {
  addRoute(route: HttpRoute): void;
  start(): Promise<{ port: number; url: string }>;
  stop(graceMs?: number): Promise<void>;
  readonly server: Server;
}

/** Sends a JSON body with the right headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function createHttpServer(opts: { host: string; port: number; log: Logger }): HttpServer {
  const routes: HttpRoute[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = routes.find((r) => r.path === path && r.method === req.method);
    if (!route) {
      const known = routes.some((r) => r.path === path);
      sendJson(res, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found' });
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((error: unknown) => {
        opts.log.error({ err: error, path }, 'http handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    addRoute(route) {
      routes.push(route);
    },
    start() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
          resolve({ port, url: `http://${host}:${port}` });
        });
      });
    },
    /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then drops what is left. */
    stop(graceMs = 10_000) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
