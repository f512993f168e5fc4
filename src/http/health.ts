/**
 * `/healthz` (the process is up), `/readyz` (store and every enabled adapter connected; 503 with a
 * JSON body naming what is not) and `/metrics` (Prometheus text).
 * With METRICS_TOKEN set, `/metrics` needs `Authorization: Bearer <token>` (401 otherwise); `/readyz`
 * shows each part's name and a coarse state to everyone, and the problem text (which may name hosts
 * or carry driver errors) only to callers with the token (contract §8).
 * @module
 */
import type { Secret } from '../config.js';
import type { Metrics } from '../metrics.js';
import { bearerCheck } from './bearer.js';
import { type HttpServer, sendJson } from './server.js';

export interface ReadinessCheck {
  name: string;
  ready(): boolean;
  problem?(): string | undefined;
}

/** The coarse states a problem text may start with; anything else is shown as `not ready`. */
const PUBLIC_STATES = ['connecting', 'cannot connect', 'lost', 'not connected'] as const;

function publicState(problem: string): string {
  return PUBLIC_STATES.find((s) => problem === s || problem.startsWith(`${s}:`)) ?? 'not ready';
}

export function registerHealthRoutes(
  http: HttpServer,
  deps: {
    checks: () => ReadinessCheck[];
    metrics: Metrics;
    /** Seconds since each sync part last succeeded, read when /metrics is scraped. */
    syncLag?: () => Promise<Record<string, number>>;
    /** METRICS_TOKEN: guards /metrics and the details of /readyz. */
    metricsToken?: Secret | undefined;
  },
): void {
  const authorized = bearerCheck(deps.metricsToken);
  http.addRoute({
    method: 'GET',
    path: '/healthz',
    handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
  });
  http.addRoute({
    method: 'GET',
    path: '/readyz',
    handler: (req, res) => {
      const details = authorized(req);
      const parts: Record<string, { ready: boolean; state: string; problem?: string }> = {};
      for (const check of deps.checks()) {
        const ready = check.ready();
        const problem = ready ? undefined : (check.problem?.() ?? 'not connected');
        const state = problem === undefined ? 'ready' : publicState(problem);
        parts[check.name] = problem !== undefined && details ? { ready, state, problem } : { ready, state };
      }
      const ready = Object.values(parts).every((p) => p.ready);
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', parts });
    },
  });
  http.addRoute({
    method: 'GET',
    path: '/metrics',
    handler: async (req, res) => {
      if (deps.metricsToken && !authorized(req)) {
        res.setHeader('www-authenticate', 'Bearer');
        sendJson(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer $METRICS_TOKEN)' });
        return;
      }
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
