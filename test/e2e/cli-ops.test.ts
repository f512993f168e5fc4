import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { runCli } from '../support/cli.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

let or: TestOpenRouter;
let dataDir: string;

beforeAll(async () => {
  or = await startTestOpenRouter({ now: new Date() });
  dataDir = mkdtempSync(join(tmpdir(), 'credits-cli-ops-'));
});
afterAll(async () => {
  await or?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('credits-bot sync and migrate', () => {
  it('sync fills the embedded store from OpenRouter and a second run changes nothing', async () => {
    const env = {
      OPENROUTER_BASE_URL: or.sim.url,
      OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
      OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    };
    const first = await runCli(['sync'], env);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { keys: number; errors: unknown[]; activity: unknown };
    expect(summary.errors).toEqual([]);
    expect(summary.keys).toBe(or.sim.state.keys.filter((k) => !k.management).length);
    const second = await runCli(['sync'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ keys: summary.keys, activity: summary.activity });
  }, 120_000); // the first on-disk PGlite cluster takes ~30 s on a loaded 2-core machine

  it('sync without a management key exits 1 and names the variable', async () => {
    const r = await runCli(['sync'], { OPENROUTER_BASE_URL: or.sim.url, DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('OPENROUTER_MANAGEMENT_KEY');
  });

  it('migrate works on a Postgres server (DATABASE_URL), twice', async (ctx) => {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) {
      ctx.skip('TEST_DATABASE_URL is not set');
      return;
    }
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    const name = `cli_migrate_${process.pid}`;
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    try {
      for (let i = 0; i < 2; i++) {
        const r = await runCli(['migrate'], { DATABASE_URL: url.toString(), LOG_LEVEL: 'error' });
        expect(r.stdout).toContain('Migrations applied (postgres)');
        expect(r.code).toBe(0);
      }
      const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
      const tables = await db`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
      await db.end();
      expect(tables[0]?.n).toBeGreaterThanOrEqual(14);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('the demo answers commands read from stdin and exits at the end of input', async () => {
    const r = await runCli(['demo'], {}, { input: 'balance\nusage 30d by key\nexit\n', timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Balance: \$[\d,]+\.\d{2}/);
    expect(r.stdout).toContain('Usage by key, 30d');
    expect(r.stdout).toContain('production');
  });

  it('unknown subcommands exit 2 with the usage', async () => {
    const r = await runCli(['frobnicate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('credits-bot ask');
  });
});
