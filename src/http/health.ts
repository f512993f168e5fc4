/**
 * `/healthz` (the process is up), `/readyz` (store and every enabled adapter connected; 503 with a
 * JSON body naming what is not) and `/metrics` (Prometheus text).
 * @module
 */
import type { Metrics } from '../metrics.js';
import { type HttpServer, sendJson } from './server.js';

export interface ReadinessCheck {
  name: string;
  ready(): boolean;
  problem?(): string | undefined;
}

export function registerHealthRoutes(
  http: HttpServer,
  deps: {
    checks: () => ReadinessCheck[];
    metrics: Metrics;
    /** Seconds since each sync part last succeeded, read when /metrics is scraped. */
    syncLag?: () => Promise<Record<string, number>>;
  },
): void {
  http.addRoute({
    method: 'GET',
    path: '/healthz',
    handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
  });
  http.addRoute({
    method: 'GET',
    path: '/readyz',
    handler: (_req, res) => {
      const parts: Record<string, { ready: boolean; problem?: string }> = {};
      for (const check of deps.checks()) {
        const ready = check.ready();
        const problem = ready ? undefined : (check.problem?.() ?? 'not connected');
        parts[check.name] = problem ? { ready, problem } : { ready };
      }
      const ready = Object.values(parts).every((p) => p.ready);
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', parts });
    },
  });
  http.addRoute({
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      if (deps.syncLag) {
        const lag: Record<string, number> = await deps.syncLag().catch(() => ({}));
        for (const [part, seconds] of Object.entries(lag)) deps.metrics.syncLagSeconds.set({ part }, seconds);
      }
      const body = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(body);
    },
  });
}
