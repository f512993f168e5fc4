/**
 * The whole service (HTTP, store, OpenRouter client, core) started in process, driven through its
 * surfaces: health and metrics routes, commands, the audit table, and failures of OpenRouter and
 * Postgres. SIGTERM is tested on the real bin in a child process.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Actor } from '../../src/core/services.js';
import { recentAudit } from '../../src/db/queries/audit.js';
import { formatUsd } from '../../src/domain/money.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/main.js';
import type { OpenRouterHttpClient } from '../../src/openrouter/client.js';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { CLI } from '../support/cli.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { freePort, startPgServer } from '../support/pg-server.js';

const SLACK_USER: Actor = { platform: 'slack', userId: 'U0TEST01', workspaceId: 'T0TEST01', channelId: 'C0TEST01' };

function captureLog() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function getJson(url: string, token?: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

function baseEnv(or: TestOpenRouter): Record<string, string> {
  return {
    OPENROUTER_BASE_URL: or.sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    COMMAND_RATE_LIMIT: '1000',
  };
}

describe('the service on the embedded store', () => {
  let or: TestOpenRouter;
  let service: RunningService;
  let logs: ReturnType<typeof captureLog>;

  beforeAll(async () => {
    or = await startTestOpenRouter({ now: new Date() });
    logs = captureLog();
    service = await startService(loadConfig(baseEnv(or)), { log: logs.log, memoryStore: true });
    await service.core.store.connected();
  });
  afterAll(async () => {
    await service?.stop();
    await or?.close();
  });

  it('serves /healthz, /readyz and /metrics on one port', async () => {
    expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
    const ready = await until(
      () => getJson(`${service.url}/readyz`),
      (r) => r.status === 200,
    );
    expect(ready.body).toMatchObject({ status: 'ready', parts: { store: { ready: true } } });
    await service.core.bot.runText('balance', SLACK_USER);
    const metrics = await getJson(`${service.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/credits_bot_commands_total\{command="balance",platform="slack",outcome="ok"\} \d+/);
    expect(metrics.text).toMatch(/credits_bot_openrouter_calls_total\{endpoint="\/credits",status="200"\} \d+/);
    expect(metrics.text).toContain('credits_bot_command_duration_seconds_bucket');
    expect(metrics.text).toContain('credits_bot_process_resident_memory_bytes');
    await service.core.bot.runText('usage', SLACK_USER); // syncs activity first
    expect((await getJson(`${service.url}/metrics`)).text).toMatch(
      /credits_bot_sync_lag_seconds\{part="activity"\} [\d.]+/,
    );
    expect((await getJson(`${service.url}/nope`)).status).toBe(404);
  });

  it('100 concurrent balance commands reach OpenRouter /credits at most once', async () => {
    (service.core.openrouter as OpenRouterHttpClient).clearCache();
    or.sim.resetCalls();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        service.core.bot.runText('balance', { ...SLACK_USER, userId: `U0BURST${i}` }),
      ),
    );
    expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    // At most one: the scheduler's start-up sync may already have the shared call in flight.
    expect(or.sim.calls['/credits'] ?? 0).toBeLessThanOrEqual(1);
    const { account } = or.sim.state;
    expect(results[0]?.reply.fields?.find((f) => f.label === 'Balance')?.value).toBe(
      formatUsd(account.totalCredits - account.totalUsage),
    );
  });

  it('answers from the store, saying so, when OpenRouter fails', async () => {
    await service.core.bot.runText('balance', SLACK_USER); // leaves a stored snapshot
    (service.core.openrouter as OpenRouterHttpClient).clearCache();
    or.sim.inject({ status: 500, times: Number.POSITIVE_INFINITY });
    try {
      const r = await service.core.bot.runText('balance', SLACK_USER);
      expect(r.outcome).toBe('ok');
      expect(r.reply.notes?.join(' ')).toMatch(/OpenRouter is unavailable or slow.*figures as of \d{4}-/);
      expect(r.reply.fields?.find((f) => f.label === 'Balance')).toBeDefined();
    } finally {
      or.sim.clearFaults();
    }
  });

  it('writes an audit row for every command, with pasted secrets masked', async () => {
    const pasted = 'sk-or-v1-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928';
    const r = await service.core.bot.runText(`explain 401 my key is ${pasted}`, SLACK_USER);
    expect(JSON.stringify(r.reply)).not.toContain(pasted);
    await service.core.bot.settle(); // a question's row is written as its answer goes out
    const rows = await recentAudit(service.core.store.get().db, 5);
    const row = rows.find((x) => x.command === 'explain');
    expect(row).toMatchObject({ platform: 'slack', userId: 'U0TEST01', channelId: 'C0TEST01', outcome: 'ok' });
    expect(row?.args).toContain('explain 401');
    expect(row?.args).not.toContain(pasted);
    expect(row?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('never writes a configured key to the log', async () => {
    await service.core.bot.runText(`frobnicate ${DEMO_MANAGEMENT_KEY}`, SLACK_USER);
    await service.core.bot.runText(`explain ${DEMO_INFERENCE_KEY}`, SLACK_USER);
    logs.log.flush();
    await new Promise((r) => setTimeout(r, 50));
    const all = logs.lines.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(DEMO_INFERENCE_KEY);
    expect(all).not.toContain(DEMO_MANAGEMENT_KEY);
  });
});

describe('Postgres outages', () => {
  let or: TestOpenRouter;
  beforeAll(async () => {
    or = await startTestOpenRouter({ now: new Date() });
  });
  afterAll(async () => {
    await or?.close();
  });

  it('down at start: /readyz says 503 and why, and OpenRouter-only commands still answer', async () => {
    const { log } = captureLog();
    const token = 'metrics-token-for-the-test-0123';
    const service = await startService(
      loadConfig({ ...baseEnv(or), DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', METRICS_TOKEN: token }),
      { log, store: { retryMs: 200 } },
    );
    try {
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      const ready = await until(
        () => getJson(`${service.url}/readyz`, token),
        (r) => JSON.stringify(r.body).includes('cannot connect:'),
      );
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', parts: { store: { ready: false } } });
      expect(JSON.stringify(ready.body)).toMatch(/connect/);
      // Without the token: names and states only, never the host or the driver's error text.
      for (const wrong of [undefined, 'not-the-token']) {
        const open = await getJson(`${service.url}/readyz`, wrong);
        expect(open.status).toBe(503);
        expect(open.body).toEqual({ status: 'not ready', parts: { store: { ready: false, state: 'cannot connect' } } });
        expect(open.text).not.toContain('127.0.0.1');
        const metrics = await getJson(`${service.url}/metrics`, wrong);
        expect(metrics.status).toBe(401);
        expect(metrics.text).not.toContain('credits_bot_');
      }
      const metrics = await getJson(`${service.url}/metrics`, token);
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('credits_bot_');
      const explain = await service.core.bot.runText('explain 402', SLACK_USER);
      expect(explain.outcome).toBe('ok');
      const balance = await service.core.bot.runText('balance', SLACK_USER);
      expect(balance.outcome).toBe('ok');
      const { account } = or.sim.state;
      expect(balance.reply.fields?.find((f) => f.label === 'Balance')?.value).toBe(
        formatUsd(account.totalCredits - account.totalUsage),
      );
    } finally {
      await service.stop();
    }
  });

  it('lost while running: not ready while down, reconnects without a restart, keeps writing audit rows', async (ctx) => {
    const pg = await startPgServer();
    if (!pg) {
      ctx.skip('no PostgreSQL server binaries (initdb/pg_ctl) on this machine');
      return;
    }
    const { log } = captureLog();
    const service = await startService(loadConfig({ ...baseEnv(or), DATABASE_URL: pg.url }), {
      log,
      store: { retryMs: 200, pingMs: 200 },
    });
    try {
      await service.core.store.connected();
      await until(
        () => getJson(`${service.url}/readyz`),
        (r) => r.status === 200,
      );
      await service.core.bot.runText('help', SLACK_USER);
      await pg.stop();
      const down = await until(
        () => getJson(`${service.url}/readyz`),
        (r) => r.status === 503,
      );
      expect(JSON.stringify(down.body)).toMatch(/lost/);
      const during = await service.core.bot.runText('explain 429', SLACK_USER);
      expect(during.outcome).toBe('ok');
      await pg.start();
      await until(
        () => getJson(`${service.url}/readyz`),
        (r) => r.status === 200,
      );
      await service.core.bot.runText('help usage', SLACK_USER);
      await service.core.bot.settle();
      const rows = await recentAudit(service.core.store.get().db, 10);
      expect(rows.map((r) => r.args)).toEqual(expect.arrayContaining(['help', 'help usage']));
    } finally {
      await service.stop();
      await pg.destroy();
    }
  });
});

describe('SIGTERM', () => {
  it('stops taking work, finishes what is in flight, closes the store and exits 0', async () => {
    const or = await startTestOpenRouter({ now: new Date() });
    const port = await freePort();
    const child = spawn(process.execPath, [CLI], {
      env: {
        PATH: process.env.PATH ?? '',
        ...baseEnv(or),
        PORT: String(port),
        LOG_LEVEL: 'info',
        DATA_DIR: `/tmp/credits-sigterm-${port}`,
        INGEST_TOKEN: 'test-ingest-token-123456',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The service logs to stdout (JSON lines when stdout is not a terminal).
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    try {
      await until(
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          ),
        (s) => s === 200,
        90_000, // the first on-disk PGlite cluster takes ~30 s on a loaded 2-core machine
      );
      // A request in flight: headers and half the body before SIGTERM, the rest after.
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/ingest/requests',
        headers: { authorization: 'Bearer test-ingest-token-123456', 'content-type': 'application/x-ndjson' },
      });
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
      req.write('{"request_id":"gen-1767225600-Fo6eODcuRTI4SOm6VCIQ",');
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      req.end('"cost":0.0015}\n');
      const res = await answered;
      expect(res.status).toBeLessThan(300);
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
      await or.close();
    }
  }, 150_000);
});
