import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../commands/command.js';
import { help } from '../../commands/help.js';
import { reply } from '../../core/reply.js';
import {
  buildCommandDefinitions,
  buildCreditsCommand,
  coreOptions,
  discordOptionName,
  LOOKUP_COMMAND,
} from './definitions.js';
import { parseRefresh } from './interactions.js';
import { inviteUrl, sameDefinitions } from './register.js';

const run = async () => reply({ title: 'x' });

const usage = defineCommand({
  name: 'usage',
  summary: 'Spend by model, key or provider',
  usage: 'usage [period] [by model|key|provider]',
  examples: ['usage'],
  options: {
    period: { kind: 'choice', description: 'The period', choices: ['today', '7d'] },
    by: { kind: 'choice', description: 'Group by', choices: ['model', 'key'], keyword: 'by' },
  },
  run,
});

const estimate = defineCommand({
  name: 'estimate',
  summary: 'Expected cost',
  usage: 'estimate <model> <in> <out>',
  examples: ['estimate openai/gpt-4.1 1000 100'],
  options: {
    note: { kind: 'text', description: 'Optional note', maxLength: 9000 },
    model: { kind: 'string', description: 'Model id', required: true, autocomplete: 'model' },
    tokensIn: { kind: 'integer', description: 'Prompt tokens', required: true, min: 0, max: 1e18 },
    factor: { kind: 'number', description: 'Spike factor', min: 1.1 },
  },
  run,
});

const zones = defineCommand({
  name: 'digest',
  summary: 'd'.repeat(150),
  usage: 'digest',
  examples: ['digest'],
  options: {
    weekday: { kind: 'choice', description: 'Day', choices: Array.from({ length: 30 }, (_, i) => `day${i}`) },
  },
  run,
});

describe('buildCreditsCommand', () => {
  it('makes one subcommand per core command with typed options', () => {
    const json = buildCreditsCommand([usage, estimate, zones, help]);
    expect(json.name).toBe('credits');
    expect(json.options?.map((o) => o.name)).toEqual(['usage', 'estimate', 'digest', 'help']);
    const [u, e, d, h] = json.options ?? [];
    expect(u).toMatchObject({
      type: 1,
      options: [
        {
          type: 3,
          name: 'period',
          required: false,
          choices: [
            { name: 'today', value: 'today' },
            { name: '7d', value: '7d' },
          ],
        },
        {
          type: 3,
          name: 'by',
          choices: [
            { name: 'model', value: 'model' },
            { name: 'key', value: 'key' },
          ],
        },
      ],
    });
    // Required options first (Discord rejects a required option after an optional one), names lowercase.
    expect(e).toMatchObject({
      options: [
        { name: 'model', type: 3, required: true, autocomplete: true },
        { name: 'tokens_in', type: 4, required: true, min_value: 0, max_value: Number.MAX_SAFE_INTEGER },
        { name: 'note', type: 3, required: false, max_length: 6000 },
        { name: 'factor', type: 10, min_value: 1.1 },
      ],
    });
    expect(d?.description).toHaveLength(100);
    expect(d).toMatchObject({ options: [{ name: 'weekday', type: 3, autocomplete: true }] });
    expect(d && 'options' in d && d.options?.[0] && 'choices' in d.options[0]).toBeFalsy();
    expect(h).toMatchObject({ name: 'help', options: [{ name: 'topic', type: 3, max_length: 40 }] });
  });

  it('adds the message context-menu command only when there is a request command', () => {
    expect(buildCommandDefinitions([usage]).map((c) => c.name)).toEqual(['credits']);
    const request = defineCommand({
      name: 'request',
      summary: 'r',
      usage: 'request <id>',
      examples: ['request gen-1'],
      options: { id: { kind: 'string', description: 'id', required: true } },
      run,
    });
    expect(buildCommandDefinitions([request]).map((c) => [c.name, c.type])).toEqual([
      ['credits', 1],
      [LOOKUP_COMMAND, 3],
    ]);
  });

  it('maps Discord option values back to the core keys', () => {
    expect(discordOptionName('tokensIn')).toBe('tokens_in');
    const values: Record<string, string | number> = { model: 'm', tokens_in: 12 };
    expect(coreOptions(estimate, (n) => values[n])).toEqual({
      note: undefined,
      model: 'm',
      tokensIn: 12,
      factor: undefined,
    });
  });
});

describe('sameDefinitions', () => {
  it('ignores what Discord adds and notices real changes', () => {
    const local = buildCommandDefinitions([usage, help]);
    const remote = local.map((c) => ({
      ...c,
      id: '123456789012345678',
      application_id: '1',
      version: '2',
      default_member_permissions: null,
      nsfw: false,
      description_localizations: null,
    }));
    expect(sameDefinitions(local, remote)).toBe(true);
    expect(sameDefinitions(local, [...remote].reverse())).toBe(true);
    expect(sameDefinitions(buildCommandDefinitions([usage, help, estimate]), remote)).toBe(false);
    expect(sameDefinitions(local, [])).toBe(false);
  });
});

describe('inviteUrl', () => {
  it('asks for the bot and applications.commands scopes and the channel permissions', () => {
    const url = new URL(inviteUrl('100000000000000001'));
    expect(url.searchParams.get('client_id')).toBe('100000000000000001');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    const permissions = BigInt(url.searchParams.get('permissions') ?? '0');
    for (const bit of [1n << 10n, 1n << 11n, 1n << 14n, 1n << 15n, 1n << 16n, 1n << 38n]) {
      expect(permissions & bit).toBe(bit);
    }
    expect(permissions & (1n << 3n)).toBe(0n); // never Administrator
  });
});

describe('parseRefresh', () => {
  it('reads the core command text back into options', () => {
    expect(parseRefresh('usage period:7d by:key', [usage])).toEqual({
      name: 'usage',
      options: { period: '7d', by: 'key' },
    });
    expect(parseRefresh('estimate note:a b c model:x', [estimate])).toEqual({
      name: 'estimate',
      options: { note: 'a b c', model: 'x' },
    });
    expect(parseRefresh('usage 7d by key', [usage])).toBeUndefined();
    expect(parseRefresh('balance', [usage])).toBeUndefined();
  });
});
