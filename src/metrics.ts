/**
 * Prometheus metrics (prom-client), one registry per process, served at `GET /metrics`.
 * @module
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  commands: Counter<'command' | 'platform' | 'outcome'>;
  commandSeconds: Histogram<'command' | 'platform'>;
  openrouterCalls: Counter<'endpoint' | 'status'>;
  openrouterSeconds: Histogram<'endpoint'>;
  digestDeliveries: Counter<'status' | 'platform'>;
  alertsFired: Counter<'kind' | 'platform'>;
  syncLagSeconds: Gauge<'part'>;
}

/** Builds a fresh registry; `defaults` adds Node's process metrics. */
export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'credits_bot_' });
  const registers = [registry];
  return {
    registry,
    commands: new Counter({
      name: 'credits_bot_commands_total',
      help: 'Commands handled, by command, platform and outcome',
      labelNames: ['command', 'platform', 'outcome'],
      registers,
    }),
    commandSeconds: new Histogram({
      name: 'credits_bot_command_duration_seconds',
      help: 'Time to answer a command',
      labelNames: ['command', 'platform'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    openrouterCalls: new Counter({
      name: 'credits_bot_openrouter_calls_total',
      help: 'OpenRouter API calls by endpoint and HTTP status (error = no response)',
      labelNames: ['endpoint', 'status'],
      registers,
    }),
    openrouterSeconds: new Histogram({
      name: 'credits_bot_openrouter_call_duration_seconds',
      help: 'OpenRouter call latency',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    digestDeliveries: new Counter({
      name: 'credits_bot_digest_deliveries_total',
      help: 'Digest deliveries by status',
      labelNames: ['status', 'platform'],
      registers,
    }),
    alertsFired: new Counter({
      name: 'credits_bot_alerts_fired_total',
      help: 'Balance alerts posted',
      labelNames: ['kind', 'platform'],
      registers,
    }),
    syncLagSeconds: new Gauge({
      name: 'credits_bot_sync_lag_seconds',
      help: 'Seconds since the last successful sync, by part',
      labelNames: ['part'],
      registers,
    }),
  };
}
