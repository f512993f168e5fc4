import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';
import { StoreUnavailableError, UserError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import type { OpenRouterClient } from '../openrouter/types.js';
import { defineCommand } from './command.js';
import { createBot } from './dispatch.js';
import { help } from './help.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, destination };
}

const noOpenRouter = new Proxy({} as OpenRouterClient, {
  get(_t, prop) {
    if (prop === 'hasInferenceKey' || prop === 'hasManagementKey') return false;
    return () => Promise.reject(new Error('not in this test'));
  },
});

function services(env: Record<string, string> = {}, now = () => new Date('2026-11-26T12:00:00Z')) {
  const log = capture();
  const config = loadConfig(env);
  const s: Services = {
    config,
    openrouter: noOpenRouter,
    store: {
      available: () => false,
      get: () => {
        throw new StoreUnavailableError();
      },
    },
    log: createLogger({ level: 'debug', destination: log.destination }),
    metrics: createMetrics({ defaults: false }),
    now,
  };
  return { services: s, log };
}

const echo = defineCommand({
  name: 'echo',
  summary: 'echo',
  usage: 'echo <text>',
  examples: ['echo hi'],
  options: { text: { kind: 'text', description: 'text', required: true } },
  async run({ args }) {
    return reply({ title: 'echo', summary: args.text });
  },
});
const change = defineCommand({
  name: 'change',
  summary: 'changes settings',
  usage: 'change',
  examples: ['change'],
  options: {},
  admin: () => true,
  async run() {
    return reply({ title: 'changed' });
  },
});
const boom = defineCommand({
  name: 'boom',
  summary: 'fails',
  usage: 'boom [user]',
  examples: ['boom'],
  options: { kind: { kind: 'choice', description: 'x', choices: ['user', 'crash'] } },
  async run({ args }) {
    if (args.kind === 'user') throw new UserError('You asked for it.', 'boom [user]');
    throw new Error('database password is sk-or-v1-0123456789abcdef0123456789abcdef');
  },
});

const alice: Actor = { platform: 'slack', userId: 'U0001', workspaceId: 'T0001', channelId: 'C1' };

describe('createBot dispatch boundary', () => {
  it('runs a command and reports ok', async () => {
    const { services: s } = services();
    const bot = createBot(s, [echo, help]);
    const r = await bot.runText('echo hello world', alice);
    expect(r.outcome).toBe('ok');
    expect(r.reply.summary).toBe('hello world');
  });

  it('help is generated from the declarations', async () => {
    const { services: s } = services();
    const bot = createBot(s, [echo, change, help]);
    const r = await bot.runText('help', alice);
    const rows = r.reply.tables?.[0]?.rows.map((row) => row[0]);
    expect(rows).toEqual(['echo', 'change', 'help']);
    const one = await bot.runText('help echo', alice);
    expect(one.reply.title).toBe('/credits echo <text>');
  });

  it('refuses setting changes to non-admins and allows BOT_ADMINS and platform admins', async () => {
    const { services: s } = services({ BOT_ADMINS: 'slack:U0002' });
    const bot = createBot(s, [change]);
    expect((await bot.runText('change', alice)).outcome).toBe('denied');
    expect((await bot.runText('change', { ...alice, userId: 'U0002' })).outcome).toBe('ok');
    expect(
      (await bot.runText('change', { ...alice, userId: 'U0003', isPlatformAdmin: async () => true })).outcome,
    ).toBe('ok');
    expect(
      (
        await bot.runText('change', {
          ...alice,
          userId: 'U0004',
          isPlatformAdmin: async () => Promise.reject(new Error('x')),
        })
      ).outcome,
    ).toBe('denied');
  });

  it('answers only in allowed workspaces when an allow-list is set', async () => {
    const { services: s } = services({ SLACK_ALLOWED_TEAMS: 'T0009', DISCORD_ALLOWED_GUILDS: '123456' });
    const bot = createBot(s, [echo]);
    expect((await bot.runText('echo hi', alice)).outcome).toBe('denied');
    expect((await bot.runText('echo hi', { ...alice, workspaceId: 'T0009' })).outcome).toBe('ok');
    expect((await bot.runText('echo hi', { platform: 'discord', userId: '1', workspaceId: '999999' })).outcome).toBe(
      'denied',
    );
    expect((await bot.runText('echo hi', { platform: 'discord', userId: '1', workspaceId: '123456' })).outcome).toBe(
      'ok',
    );
  });

  it('rate-limits each person separately and recovers after a minute', async () => {
    let t = Date.parse('2026-11-26T12:00:00Z');
    const { services: s } = services({ COMMAND_RATE_LIMIT: '3' }, () => new Date(t));
    const bot = createBot(s, [echo]);
    for (let i = 0; i < 3; i++) expect((await bot.runText('echo hi', alice)).outcome).toBe('ok');
    const limited = await bot.runText('echo hi', alice);
    expect(limited.outcome).toBe('rate_limited');
    expect(limited.reply.summary).toMatch(/at most 3 commands a minute/);
    expect((await bot.runText('echo hi', { ...alice, userId: 'U0002' })).outcome).toBe('ok');
    t += 61_000;
    expect((await bot.runText('echo hi', alice)).outcome).toBe('ok');
  });

  it('shows a UserError as is, hides other errors, and never leaks the secret they carry', async () => {
    const { services: s, log } = services();
    const bot = createBot(s, [boom]);
    const user = await bot.runText('boom user', alice);
    expect(user.outcome).toBe('user_error');
    expect(user.reply.summary).toBe('You asked for it.');
    const crash = await bot.runText('boom crash', alice);
    expect(crash.outcome).toBe('error');
    expect(crash.reply.summary).toMatch(/went wrong on my side/);
    expect(JSON.stringify(crash.reply)).not.toContain('0123456789abcdef');
    s.log.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(log.lines.join('')).toContain('command failed');
    expect(log.lines.join('')).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it('answers bad input with what was wrong and flags it as not understood', async () => {
    const { services: s } = services();
    const bot = createBot(s, [echo]);
    const r = await bot.runText('nonsense', alice);
    expect(r.outcome).toBe('user_error');
    expect(r.invalidInput).toBe(true);
    expect(r.reply.summary).toContain('nonsense');
  });

  it('validates typed options the same way (Discord)', async () => {
    const { services: s } = services({ DISCORD_GUILD_ID: '123456' });
    const bot = createBot(s, [boom]);
    const r = await bot.runCommand(
      'boom',
      { kind: 'sideways' },
      { platform: 'discord', userId: '1', workspaceId: '123456' },
    );
    expect(r.outcome).toBe('user_error');
    expect(r.reply.summary).toMatch(/sideways.*user, crash/);
  });

  it('counts commands in the metrics', async () => {
    const { services: s } = services();
    const bot = createBot(s, [echo]);
    await bot.runText('echo hi', alice);
    const text = await s.metrics.registry.metrics();
    expect(text).toMatch(/credits_bot_commands_total\{command="echo",platform="slack",outcome="ok"\} 1/);
  });
});
