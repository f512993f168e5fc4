/**
 * grafana/credits-bot.json and prometheus/alerts.yml parse, are shaped as Grafana and Prometheus
 * expect, and reference only metrics the service really exposes on /metrics (after a sync against
 * the simulator, so the labelled money gauges have samples too).
 * Grafana dashboard model: https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 * Prometheus rules: https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { syncOnce } from '../../src/jobs/sync.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/main.js';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { startTestOpenRouter, TEST_NOW, type TestOpenRouter } from '../support/openrouter.js';
import { metricNames, parsePromText } from '../support/prom-text.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** Series Prometheus itself makes for every target; not the bot's to expose. */
const PROMETHEUS_SERIES = new Set(['up']);

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const dashboard = JSON.parse(readFileSync(resolve(ROOT, 'grafana/credits-bot.json'), 'utf8')) as {
  title: string;
  uid: string;
  panels: Panel[];
};
const rules = parseYaml(readFileSync(resolve(ROOT, 'prometheus/alerts.yml'), 'utf8')) as {
  groups: { name: string; rules: Rule[] }[];
};

function dashboardExprs(): { title: string; expr: string }[] {
  const out: { title: string; expr: string }[] = [];
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) out.push({ title: p.title, expr: t.expr });
      if (p.panels) walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Metric names in a PromQL expression: our prefix, plus the Prometheus-made series we allow. */
function referencedMetrics(expr: string): string[] {
  const ours = expr.match(/\bcredits_bot_[a-z0-9_]+/g) ?? [];
  const builtin = [...PROMETHEUS_SERIES].filter((n) => new RegExp(`\\b${n}\\{`).test(expr));
  return [...ours, ...builtin];
}

describe('Grafana dashboard and Prometheus alerts', () => {
  let or: TestOpenRouter;
  let service: RunningService;
  let exposed: Set<string>;
  let text: string;

  beforeAll(async () => {
    or = await startTestOpenRouter({ now: TEST_NOW });
    const log = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const config = loadConfig({
      OPENROUTER_BASE_URL: or.sim.url,
      OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
      OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    service = await startService(config, { log, memoryStore: true, now: () => TEST_NOW });
    const { db } = await service.core.store.connected();
    await syncOnce({ db, openrouter: service.core.openrouter, now: () => TEST_NOW, logger: log });
    text = await (await fetch(`${service.url}/metrics`)).text();
    exposed = metricNames(text);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await or?.close();
  });

  it('the dashboard is a Grafana dashboard whose every panel query names metrics /metrics exposes', () => {
    expect(dashboard.uid).toBe('credits-bot');
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(8);
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of ['Balance', 'Runway', 'Burn per day', 'Sync lag', 'Digest and alert deliveries']) {
      expect(titles).toContain(t);
    }
    for (const { title, expr } of exprs) {
      const names = referencedMetrics(expr);
      expect(names.length, `${title}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        if (PROMETHEUS_SERIES.has(name)) continue;
        expect(exposed.has(name), `${title} uses ${name}, which /metrics does not expose`).toBe(true);
      }
    }
  });

  it('the money panels have data after a sync (their gauges have samples)', () => {
    const sampled = new Set(parsePromText(text).map((s) => s.name));
    for (const name of [
      'credits_bot_balance_usd',
      'credits_bot_runway_days',
      'credits_bot_burn_usd_per_day',
      'credits_bot_key_spend_usd',
      'credits_bot_key_limit_remaining_usd',
      'credits_bot_model_spend_usd',
      'credits_bot_last_sync_success_timestamp_seconds',
    ]) {
      expect(sampled.has(name), name).toBe(true);
    }
  });

  it('the alert rules are well-formed and cover runway, sync lag and the bot being down', () => {
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThan(2);
    for (const r of all) {
      expect(r.alert).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smhd]$/);
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
      for (const name of referencedMetrics(r.expr)) {
        if (PROMETHEUS_SERIES.has(name)) continue;
        expect(exposed.has(name), `${r.alert} uses ${name}, which /metrics does not expose`).toBe(true);
      }
    }
    const exprs = all.map((r) => r.expr).join('\n');
    expect(exprs).toContain('credits_bot_runway_days');
    expect(exprs).toContain('credits_bot_last_sync_success_timestamp_seconds');
    expect(exprs).toMatch(/up\{job="credits-bot"\} == 0/);
  });
});
