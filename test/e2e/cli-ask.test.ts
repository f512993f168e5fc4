import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askOnce } from '../../src/adapters/console/console-adapter.js';
import { createBot } from '../../src/commands/dispatch.js';
import { buttons, commands } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';
import { formatUsd } from '../../src/domain/money.js';
import { estimateCost } from '../../src/domain/pricing.js';
import { createOpenRouterClient } from '../../src/openrouter/client.js';
import { parseModel } from '../../src/openrouter/schemas.js';
import { DEMO_GENERATION_IDS, DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { runCli } from '../support/cli.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { testServices } from '../support/services.js';

let or: TestOpenRouter;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  or = await startTestOpenRouter({ now: new Date() });
  dataDir = mkdtempSync(join(tmpdir(), 'credits-cli-'));
  env = {
    OPENROUTER_BASE_URL: or.sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
  };
  // First run creates the embedded store; later runs reopen it (much faster).
  await runCli(['migrate'], env);
});

afterAll(async () => {
  await or?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('credits-bot ask', () => {
  it('answers the balance from the live account and exits 0', async () => {
    const { account } = or.sim.state;
    const r = await runCli(['ask', 'balance'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Balance: ${formatUsd(account.totalCredits - account.totalUsage)}`);
    expect(r.stdout).toMatch(/Burn rate: \$[\d,.]+\/day/);
    expect(r.stdout).toMatch(/Runway: [\d.]+ days → runs out \d{4}-\d{2}-\d{2}/);
    expect(r.stdout).toMatch(/as of \d{4}-\d{2}-\d{2}T/);
  });

  it('answers usage by model for the last 7 completed days with the top model first', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    const byModel = new Map<string, number>();
    for (const a of or.sim.state.activity) {
      if (a.date >= from && a.date < today) byModel.set(a.model, (byModel.get(a.model) ?? 0) + a.usage);
    }
    const [topModel, topUsd] = [...byModel].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const r = await runCli(['ask', 'usage 7d by model'], env);
    expect(r.code).toBe(0);
    const firstRow = r.stdout.split('\n').find((l) => l.startsWith(topModel));
    expect(firstRow).toBeDefined();
    expect(firstRow).toContain(formatUsd(topUsd));
    expect(r.stdout).toContain(from);
  });

  it('prints `usage 7d by model csv` as valid CSV whose rows sum to the total of the table', async () => {
    const r = await runCli(['ask', 'usage 7d by model csv'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const records = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {})).toEqual([
      'model',
      'spend_usd',
      'share',
      'requests',
      'tokens',
      'previous_period_usd',
    ]);
    const total = records.at(-1);
    expect(total?.model).toBe('total');
    const rows = records.slice(0, -1);
    expect(rows.length).toBeGreaterThan(1);
    const sum = rows.reduce((s, row) => s + Number(row.spend_usd), 0);
    expect(sum).toBeCloseTo(Number(total?.spend_usd), 5);
    expect(rows.reduce((s, row) => s + Number(row.requests), 0)).toBe(Number(total?.requests));
    // The same figure as the text answer's total line.
    const table = await runCli(['ask', 'usage 7d by model'], env);
    const totalLine = table.stdout.split('\n').find((l) => l.startsWith('total'));
    expect(totalLine).toContain(formatUsd(Number(total?.spend_usd)));
  });

  it('writes `usage 30d chart` to a PNG file and prints its path', async () => {
    const r = await runCli(['ask', 'usage 30d chart'], env);
    expect(r.code).toBe(0);
    const path = /Chart: (\S+\.png)/.exec(r.stdout)?.[1];
    expect(path).toBeDefined();
    const png = readFileSync(path as string);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    rmSync(join(path as string, '..'), { recursive: true, force: true });
  });

  it('looks up a request id with its exact cost', async () => {
    const id = Object.values(DEMO_GENERATION_IDS)[0] as string;
    const gen = or.sim.state.generations.find((g) => g.data.id === id);
    const r = await runCli(['ask', id], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Total cost: ${formatUsd(Number(gen?.data.total_cost))}`);
  });

  it('explains a 402 as insufficient credits, with the live account', async () => {
    const r = await runCli(['ask', 'explain 402'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/402/);
    expect(r.stdout).toMatch(/credits/i);
    expect(r.stdout).toMatch(/Your account right now/);
  });

  it('estimates from live pricing', async () => {
    const model = or.sim.state.models.find((m) => m.id === 'openai/gpt-4.1');
    const pricing = parseModel(model).pricing;
    const expected = estimateCost(pricing, { promptTokens: 12000, completionTokens: 800 }, new Date()).total;
    const r = await runCli(['ask', 'estimate openai/gpt-4.1 12000 800'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Expected cost: ${formatUsd(expected)}`);
  });

  it.each([
    ['a bad period', 'usage fortnight'],
    ['a script-laden id', 'request gen-<script>alert(1)</script>'],
    ['an unknown command', 'frobnicate'],
    ['5,000 characters', `usage ${'x'.repeat(5000)}`],
    ['an absurd number', 'estimate openai/gpt-4.1 1e400 5'],
  ])('exits 2 with the expected form for %s', async (_label, text) => {
    const r = await runCli(['ask', text], env);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('<script>');
  });

  it('answers within 5 s when OpenRouter hangs, with the stored figures and when they were taken', async () => {
    expect((await runCli(['ask', 'balance'], env)).code).toBe(0); // leaves a credit reading in the store
    const { account } = or.sim.state;
    or.sim.inject({ hang: true, times: Infinity });
    try {
      // LOG_LEVEL=debug: the CLI reports its own start, the deadline it gave OpenRouter and when it answered,
      // on its own clock, so how long this machine takes to spawn a process is not in the figures.
      const r = await runCli(['ask', 'balance'], { ...env, LOG_LEVEL: 'debug' }, { timeoutMs: 60_000 });
      expect(r.stdout).toContain(`Balance: ${formatUsd(account.totalCredits - account.totalUsage)}`);
      expect(r.stdout).toMatch(/figures as of \d{4}-\d{2}-\d{2}T/);
      expect(r.code).toBe(0);
      const lines = r.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const report = lines.find((l) => l.msg === 'ask answered') as
        | { startedAt: number; storeReadyAt: number; answerBy: number; answeredAt: number }
        | undefined;
      expect(report).toBeDefined();
      const { startedAt, storeReadyAt, answerBy, answeredAt } = report as NonNullable<typeof report>;
      // The deadline the CLI gave OpenRouter: inside the 5 s from its own start, or 2.5 s after a store
      // that took longer to open (the stale figures need it).
      expect(answerBy).toBeGreaterThan(startedAt);
      expect(answerBy).toBeLessThanOrEqual(Math.max(startedAt + 5_000, storeReadyAt + 2_500));
      // The hanging calls were cut at exactly that deadline, not at the end of their own budget.
      const cut = lines.filter((l) => l.msg === 'openrouter call cut');
      expect(cut.length).toBeGreaterThan(0);
      for (const c of cut) expect(c.deadline).toBe(answerBy);
      // Timed from the CLI's own start (node's boot, which this machine decides, left out) with room
      // for a slow machine: a broken deadline leaves the answer waiting on the hung calls for their
      // whole 8 s budget and more.
      expect(answeredAt - startedAt).toBeLessThan(15_000);
    } finally {
      or.sim.clearFaults();
    }
  });

  it('exits 1 when neither OpenRouter nor the store can answer', async () => {
    const r = await runCli(['ask', 'balance'], {
      ...env,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/unavailable|could not/i);
  });

  it('fails at start with one line naming a malformed variable', async () => {
    const r = await runCli(['ask', 'balance'], { ...env, PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('PORT');
  });

  it('never prints a key a user pasted', async () => {
    const r = await runCli(['ask', 'explain 401 sk-or-v1-0123456789abcdef0123456789abcdef0123'], env);
    expect(r.stdout + r.stderr).not.toContain('0123456789abcdef0123456789abcdef0123');
    const asModel = await runCli(['ask', 'estimate sk-or-v1-0123456789abcdef0123456789abcdef0123 10 10'], env);
    expect(asModel.code).toBe(2);
    expect(asModel.stdout).toContain("I don't know the model");
    expect(asModel.stdout + asModel.stderr).not.toContain('0123456789abcdef0123456789abcdef0123');
  });

  it('answers `help` and `help <command>` from the built catalog, as the bot does, without opening a store', async () => {
    const bot = createBot(
      testServices({
        config: loadConfig({}),
        openrouter: createOpenRouterClient({ baseUrl: or.sim.url }),
        now: () => new Date(),
      }),
      commands,
      buttons,
    );
    // A DATA_DIR that does not exist, and settings that would fail: neither is read for help.
    const untouched = join(dataDir, 'never-created');
    for (const text of ['help', 'help usage', 'HELP keys', 'help nosuchcommand']) {
      const r = await runCli(['ask', text], { DATA_DIR: untouched, PORT: 'eighty' });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${(await askOnce(bot, text)).output}\n`);
    }
    expect(existsSync(untouched)).toBe(false);
    // Anything else still goes the whole way (and the malformed PORT is reported).
    const other = await runCli(['ask', 'help', 'too', 'many'], { DATA_DIR: untouched, PORT: 'eighty' });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('PORT');
  });
});
