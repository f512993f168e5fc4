/**
 * One end-to-end case per command form, shared by the Slack and Discord suites: the text a user types
 * (Discord gets the same input as typed options, through the core grammar), what the answer must show
 * (computed from the simulator's state and `formatUsd`, never copied from the bot's output) and what
 * must then be in the store. Cases run in order: settings are made before they are listed and removed.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AnyCommand } from '../../src/commands/command.js';
import { parseCommandText } from '../../src/commands/grammar.js';
import type { Platform } from '../../src/core/services.js';
import type { Db } from '../../src/db/client.js';
import { listRules } from '../../src/db/queries/alerts.js';
import { recentAudit } from '../../src/db/queries/audit.js';
import { listSubscriptions } from '../../src/db/queries/subscriptions.js';
import { formatDays, formatTokens, formatUsd } from '../../src/domain/money.js';
import {
  DEMO_GENERATION_IDS,
  DEMO_INFERENCE_KEY,
  DEMO_RESEARCH_WORKSPACE_ID,
} from '../../src/openrouter/simulator/seed.js';
import { addDays, keyUsage, type SimState, sha256Hex, utcDate } from '../../src/openrouter/simulator/state.js';
import type { OpenRouterClient } from '../../src/openrouter/types.js';
import { reconcileFile } from '../../src/reconcile/run-reconcile.js';
import type { ChatCore } from './chat-harness.js';

export interface CaseContext {
  platform: Exclude<Platform, 'console'>;
  /** The workspace (team / guild) and channel the commands are sent in. */
  workspaceId: string;
  channelId: string;
  sim: SimState;
  now: Date;
  db: Db;
  openrouter: OpenRouterClient;
  commands: readonly AnyCommand[];
}

interface CommandCase {
  /** The text after `/credits`. */
  text: string;
  /** Sent by an admin (BOT_ADMINS on Slack, Manage Server on Discord). Default: a plain member. */
  admin?: boolean;
  /** Posted for the whole channel (a setting changed, a digest preview); otherwise only the asker sees it. */
  public?: boolean;
  /** Runs before the command (e.g. ingesting request logs). */
  setup?(ctx: CaseContext): Promise<void>;
  /** Strings the answer must show, from the simulator's figures. */
  shows(ctx: CaseContext): string[] | Promise<string[]>;
  /** Checks in the store after the answer. */
  stored?(ctx: CaseContext): Promise<void>;
}

/** The context the cases read: where they are sent, and the running bot's simulator, store and registry. */
export function caseContext(
  bot: ChatCore,
  where: Pick<CaseContext, 'platform' | 'workspaceId' | 'channelId'>,
): CaseContext {
  return {
    ...where,
    sim: bot.or.sim.state,
    now: bot.now,
    db: bot.db.db,
    openrouter: bot.core.openrouter,
    commands: bot.core.bot.commands,
  };
}

// ---- the simulator's figures ----

const today = (ctx: CaseContext) => utcDate(ctx.now);

/** What the simulator's account-wide activity says was spent in [from, to). */
function spent(
  ctx: CaseContext,
  from: string,
  to: string,
  keep: (row: SimState['activity'][number]) => boolean = () => true,
) {
  return ctx.sim.activity.filter((a) => a.date >= from && a.date < to && keep(a)).reduce((s, a) => s + a.usage, 0);
}

/** The largest group of the simulator's activity in [from, to), by a field. */
function topGroup(ctx: CaseContext, from: string, to: string, field: 'model' | 'providerName') {
  const sums = new Map<string, number>();
  for (const a of ctx.sim.activity.filter((x) => x.date >= from && x.date < to)) {
    sums.set(a[field], (sums.get(a[field]) ?? 0) + a.usage);
  }
  const [group, usd] = [...sums.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  return { group, usd };
}

/** A seeded key the cases ask to disable (the confirmation is not given, so nothing changes). */
const KEY_TO_ACT_ON = 'staging';

const listedKeys = (ctx: CaseContext) => ctx.sim.keys.filter((k) => !k.management);
const todaySoFar = (ctx: CaseContext) =>
  listedKeys(ctx).reduce((s, k) => s + keyUsage(ctx.sim, k, ctx.now).usage_daily, 0);
const botKey = (ctx: CaseContext) => {
  const key = ctx.sim.keys.find((k) => k.hash === sha256Hex(DEMO_INFERENCE_KEY));
  if (!key) throw new Error('the simulator has no inference key');
  return keyUsage(ctx.sim, key, ctx.now);
};
const balanceOf = (ctx: CaseContext) => ctx.sim.account.totalCredits - ctx.sim.account.totalUsage;
const generation = (ctx: CaseContext, id: string): Record<string, unknown> & { total_cost: number; model: string } => {
  const g = ctx.sim.generations.find((x) => x.data.id === id)?.data;
  if (!g) throw new Error(`the simulator has no generation ${id}`);
  return { ...(g as Record<string, unknown>), total_cost: Number(g.total_cost), model: String(g.model) };
};
const scope = (ctx: CaseContext) => ({
  platform: ctx.platform,
  workspaceId: ctx.workspaceId,
  channelId: ctx.channelId,
});

/** Monday of the ISO week of `date` (YYYY-MM-DD). */
function monday(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

const RECONCILE_UNKNOWN = 'gen-1767225699-UnknownToOpenRouter01';

export const COMMAND_CASES: readonly CommandCase[] = [
  {
    text: '',
    shows: (ctx) => {
      const balance = balanceOf(ctx);
      const last7 = spent(ctx, addDays(today(ctx), -7), today(ctx));
      const key = botKey(ctx);
      return [
        formatUsd(balance),
        `${formatUsd(ctx.sim.account.totalCredits)} / ${formatUsd(ctx.sim.account.totalUsage)}`,
        `today ${formatUsd(todaySoFar(ctx))}`,
        `last 7 days ${formatUsd(last7)}`,
        `${formatUsd(last7 / 7)}/day`,
        formatDays(balance / (last7 / 7)),
        `${formatUsd(key.limit_remaining ?? 0)} left of ${formatUsd(key.limit ?? 0)}`,
      ];
    },
  },
  {
    text: 'balance',
    shows: (ctx) => {
      const month = `${today(ctx).slice(0, 7)}-01`;
      return [`this month ${formatUsd(spent(ctx, month, today(ctx)) + todaySoFar(ctx))}`];
    },
  },
  {
    text: 'usage',
    shows: (ctx) => {
      const from = addDays(today(ctx), -7);
      const top = topGroup(ctx, from, today(ctx), 'model');
      return ['Usage by model, 7d', formatUsd(spent(ctx, from, today(ctx))), top.group, formatUsd(top.usd)];
    },
  },
  {
    text: 'usage yesterday by model',
    shows: (ctx) => {
      const from = addDays(today(ctx), -1);
      const top = topGroup(ctx, from, today(ctx), 'model');
      return ['Usage by model, yesterday', formatUsd(spent(ctx, from, today(ctx))), top.group, formatUsd(top.usd)];
    },
  },
  {
    text: 'usage 30d by key',
    shows: (ctx) => {
      const from = addDays(today(ctx), -30);
      const names = listedKeys(ctx)
        .filter((k) => spent(ctx, from, today(ctx), (a) => a.keyHash === k.hash) > 0)
        .map((k) => k.name);
      return [formatUsd(spent(ctx, from, today(ctx))), ...names];
    },
  },
  {
    text: 'usage last-week by provider',
    shows: (ctx) => {
      const to = monday(today(ctx));
      const from = addDays(to, -7);
      const top = topGroup(ctx, from, to, 'providerName');
      return ['Usage by provider, last-week', formatUsd(spent(ctx, from, to)), top.group, formatUsd(top.usd)];
    },
  },
  {
    text: 'usage 7d by workspace',
    shows: (ctx) => {
      const from = addDays(today(ctx), -7);
      const research = new Set(
        ctx.sim.keys.filter((k) => k.workspaceId === DEMO_RESEARCH_WORKSPACE_ID).map((k) => k.hash),
      );
      return ['Research', formatUsd(spent(ctx, from, today(ctx), (a) => research.has(a.keyHash)))];
    },
  },
  {
    text: 'usage today',
    shows: (ctx) => {
      const top = listedKeys(ctx).sort(
        (a, b) => keyUsage(ctx.sim, b, ctx.now).usage_daily - keyUsage(ctx.sim, a, ctx.now).usage_daily,
      )[0];
      return [
        formatUsd(todaySoFar(ctx)),
        top?.name ?? '',
        formatUsd(top ? keyUsage(ctx.sim, top, ctx.now).usage_daily : 0),
      ];
    },
  },
  {
    text: `request ${DEMO_GENERATION_IDS.simple}`,
    shows: (ctx) => {
      const g = generation(ctx, DEMO_GENERATION_IDS.simple);
      return [
        DEMO_GENERATION_IDS.simple,
        formatUsd(g.total_cost),
        g.model,
        `prompt ${formatTokens(Number(g.native_tokens_prompt))}`,
        `completion ${formatTokens(Number(g.native_tokens_completion))}`,
      ];
    },
  },
  {
    text: DEMO_GENERATION_IDS.byok,
    shows: (ctx) => [formatUsd(generation(ctx, DEMO_GENERATION_IDS.byok).total_cost), 'BYOK'],
  },
  {
    text: 'explain 402',
    shows: (ctx) => {
      const key = botKey(ctx);
      return [
        '402',
        `Account balance: ${formatUsd(balanceOf(ctx))} of ${formatUsd(ctx.sim.account.totalCredits)}`,
        `${formatUsd(key.limit_remaining ?? 0)} left of its ${formatUsd(key.limit ?? 0)}`,
      ];
    },
  },
  {
    text: 'estimate openai/gpt-4.1 12000 800',
    shows: (ctx) => {
      const model = ctx.sim.models.find((m) => m.id === 'openai/gpt-4.1');
      const p = model?.pricing as { prompt: string; completion: string };
      return ['openai/gpt-4.1', formatUsd(12_000 * Number(p.prompt) + 800 * Number(p.completion))];
    },
  },
  {
    text: 'digest subscribe',
    shows: () => ['Only admins'],
    stored: async (ctx) => {
      expect(await listSubscriptions(ctx.db, scope(ctx))).toEqual([]);
    },
  },
  {
    text: 'digest subscribe friday 16:00 Europe/Berlin',
    public: true,
    admin: true,
    shows: () => ['every Friday at 16:00 (Europe/Berlin)'],
    stored: async (ctx) => {
      const subs = await listSubscriptions(ctx.db, scope(ctx));
      expect(subs).toEqual([
        expect.objectContaining({ channelId: ctx.channelId, weekday: 5, time: '16:00', timezone: 'Europe/Berlin' }),
      ]);
    },
  },
  {
    text: 'digest list',
    shows: (ctx) => [ctx.channelId, 'Friday at 16:00 (Europe/Berlin)'],
  },
  {
    text: 'digest preview',
    public: true,
    shows: (ctx) => [formatUsd(spent(ctx, addDays(today(ctx), -7), today(ctx)))],
  },
  {
    text: 'digest unsubscribe',
    public: true,
    admin: true,
    shows: () => ['no longer gets the weekly digest'],
    stored: async (ctx) => {
      expect(await listSubscriptions(ctx.db, scope(ctx))).toEqual([]);
    },
  },
  {
    text: 'alert below 50',
    shows: () => ['Only admins'],
    stored: async (ctx) => {
      expect(await listRules(ctx.db, scope(ctx))).toEqual([]);
    },
  },
  {
    text: 'alert below 50',
    public: true,
    admin: true,
    shows: () => [`balance below ${formatUsd(50)}`],
    stored: async (ctx) => {
      const rules = await listRules(ctx.db, scope(ctx));
      expect(rules.map((r) => [r.kind, r.threshold])).toEqual([['below', 50]]);
    },
  },
  {
    text: 'alert runway 14d',
    public: true,
    admin: true,
    shows: () => ['runway under 14 days'],
    stored: async (ctx) => {
      const rules = await listRules(ctx.db, scope(ctx));
      expect(rules.find((r) => r.kind === 'runway')?.threshold).toBe(14);
    },
  },
  {
    text: 'alert spike 2.5x',
    public: true,
    admin: true,
    shows: () => ['daily spend over 2.5× the 7-day average'],
    stored: async (ctx) => {
      const rules = await listRules(ctx.db, scope(ctx));
      expect(rules.find((r) => r.kind === 'spike')?.threshold).toBe(2.5);
    },
  },
  {
    text: 'alert key production 80',
    public: true,
    admin: true,
    shows: () => ['Key alert set', 'production', '80 %'],
  },
  {
    text: 'alert runaway',
    public: true,
    admin: true,
    // The default factor (5) and floor (RUNAWAY_FLOOR_USD_PER_HOUR, default $1.00).
    shows: () => ['Runaway alert set', '5×', `${formatUsd(1)}/h`],
  },
  {
    text: 'topup 30',
    shows: (ctx) => ['Top up', `against a balance of ${formatUsd(balanceOf(ctx))}`, 'Runs out without a top-up'],
  },
  {
    text: 'alert list',
    shows: () => [`balance below ${formatUsd(50)}`, 'runway under 14 days', 'daily spend over 2.5× the 7-day average'],
  },
  {
    text: 'alert off spike',
    public: true,
    admin: true,
    shows: () => ['Turned off 1 alert (spike)'],
    stored: async (ctx) => {
      const rules = await listRules(ctx.db, scope(ctx));
      expect(rules.map((r) => r.kind).sort()).toEqual(['below', 'runway']);
    },
  },
  {
    text: 'keys',
    shows: (ctx) => {
      // OpenRouter's own month counters (usage_monthly), largest first, across both workspaces.
      const byMonth = listedKeys(ctx)
        .map((k) => ({ name: k.name, month: keyUsage(ctx.sim, k, ctx.now).usage_monthly }))
        .sort((a, b) => b.month - a.month);
      const top = byMonth[0];
      return ['API keys', top?.name ?? '', formatUsd(top?.month ?? 0), ...byMonth.map((k) => k.name)];
    },
  },
  {
    text: 'keys by workspace',
    shows: (ctx) => ['API keys', ...ctx.sim.workspaces.map((w) => w.name)],
  },
  {
    text: `keys disable ${KEY_TO_ACT_ON}`,
    shows: () => ['Only admins'],
  },
  {
    text: `keys disable ${KEY_TO_ACT_ON}`,
    admin: true,
    shows: () => [KEY_TO_ACT_ON],
    stored: async (ctx) => {
      // Asking changes nothing at OpenRouter: the key stays enabled until the confirmation.
      expect(ctx.sim.keys.find((k) => k.name === KEY_TO_ACT_ON)?.disabled).toBe(false);
    },
  },
  {
    text: 'reconcile today',
    setup: async (ctx) => {
      const ids = [DEMO_GENERATION_IDS.simple, DEMO_GENERATION_IDS.fallbackAfter429];
      const billed = (id: string) => generation(ctx, id).total_cost;
      const ts = new Date(ctx.now.getTime() - 3_600_000).toISOString();
      const lines = [
        { request_id: ids[0], timestamp: ts, cost: billed(ids[0] as string), tag: 'search' },
        { request_id: ids[1], timestamp: ts, cost: billed(ids[1] as string) * 3, tag: 'chat' },
        { request_id: RECONCILE_UNKNOWN, timestamp: ts, cost: 0.01, tag: 'chat' },
      ];
      const dir = mkdtempSync(join(tmpdir(), 'credits-chat-reconcile-'));
      const file = join(dir, 'requests.jsonl');
      writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      try {
        const opts = { db: ctx.db, openrouter: ctx.openrouter, now: () => ctx.now, maxWaitMs: 200 };
        expect((await reconcileFile(file, opts)).exitCode).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    shows: (ctx) => {
      const billed = generation(ctx, DEMO_GENERATION_IDS.simple).total_cost;
      const other = generation(ctx, DEMO_GENERATION_IDS.fallbackAfter429).total_cost;
      return [
        '2 of 3 logged requests',
        DEMO_GENERATION_IDS.fallbackAfter429,
        RECONCILE_UNKNOWN,
        `billed ${formatUsd(billed + other)}`,
        'search',
      ];
    },
  },
  {
    text: 'audit 5',
    shows: () => ['Only admins'],
  },
  {
    text: 'audit 5',
    admin: true,
    shows: async (ctx) => {
      // The rows the store holds for this platform: the answer lists the newest, before this one is written.
      const rows = (await recentAudit(ctx.db, 5)).filter((r) => r.platform === ctx.platform);
      expect(rows.length).toBeGreaterThanOrEqual(4);
      return ['Audit: last 5 commands', ...rows.slice(0, 4).map((r) => `${r.platform}:${r.userId}`)];
    },
  },
  {
    text: 'home',
    // The overview (the Slack App Home's content): the live balance and this workspace's digest and alerts.
    shows: (ctx) => ['OpenRouter credits', `Balance ${formatUsd(balanceOf(ctx))}`, 'Top keys this month', 'Alerts ('],
  },
  {
    text: 'help',
    shows: (ctx) => ctx.commands.flatMap((c) => [c.name, `/credits ${c.examples[0] ?? c.name}`]),
  },
  {
    text: 'help usage',
    shows: (ctx) => {
      const usage = ctx.commands.find((c) => c.name === 'usage');
      return [`/credits ${usage?.usage}`];
    },
  },
];

/**
 * What the cases leave out: a registry command with no case, or a form of one (every action, every
 * `by` grouping) that no case sends. Empty when the suites cover the registry.
 */
export function uncoveredForms(commands: readonly AnyCommand[], cases: readonly CommandCase[]): string[] {
  const sent = cases.map((c) => {
    const parsed = parseCommandText(c.text, commands);
    if (!parsed.ok) throw new Error(`case "${c.text}" does not parse: ${parsed.message}`);
    return { command: parsed.command.name, args: parsed.args as Record<string, unknown> };
  });
  const missing: string[] = [];
  for (const command of commands) {
    const mine = sent.filter((s) => s.command === command.name);
    if (mine.length === 0) missing.push(command.name);
    for (const [option, spec] of Object.entries(command.options)) {
      if (spec.kind !== 'choice' || !(spec.required || spec.keyword)) continue;
      for (const choice of spec.choices ?? []) {
        if (!mine.some((s) => s.args[option] === choice)) missing.push(`${command.name} ${option}=${choice}`);
      }
    }
  }
  return missing;
}
