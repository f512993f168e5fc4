import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, configSecrets, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('starts with no environment at all, with the contract defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('./data');
    expect(config.openrouter.baseUrl).toBe('https://openrouter.ai/api/v1');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.discord.apiUrl).toBe('https://discord.com/api');
    expect(config.digestTimezone).toBe('UTC');
    expect(config.openrouter.apiKey).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', OPENROUTER_API_KEY: '  ', DATABASE_URL: '' });
    expect(config.port).toBe(3000);
    expect(config.openrouter.apiKey).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT.*65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL.*postgres:\/\//],
    ['OPENROUTER_API_KEY', 'not-a-key', /OPENROUTER_API_KEY.*sk-or-/],
    ['SLACK_BOT_TOKEN', 'xoxp-123', /SLACK_BOT_TOKEN.*xoxb-/],
    ['SLACK_APP_TOKEN', 'xoxb-1', /SLACK_APP_TOKEN.*xapp-/],
    ['DIGEST_TIMEZONE', 'Mars/Olympus', /DIGEST_TIMEZONE.*IANA/],
    ['BOT_ADMINS', 'U123', /BOT_ADMINS.*slack:U/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['DISCORD_API_URL', 'https://discord.com/api/v10', /DISCORD_API_URL.*version/],
    ['OPENROUTER_BASE_URL', 'ftp://x', /OPENROUTER_BASE_URL.*http/],
    ['DISCORD_GUILD_ID', 'my-server', /DISCORD_GUILD_ID/],
  ])('rejects %s=%s with one line naming the variable and the fix', (name, value, pattern) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(pattern);
    expect(message).toMatch(/Fix it in the environment or \.env/);
  });

  it('never prints a secret when the config is logged', () => {
    const key = 'sk-or-v1-0123456789abcdef0123456789abcdef';
    const token = 'xoxb-1111-2222-abcdefghijkl';
    const config = loadConfig({
      OPENROUTER_API_KEY: key,
      SLACK_BOT_TOKEN: token,
      DATABASE_URL: 'postgres://u:hunter22@db/x',
    });
    const printed = `${JSON.stringify(config)} ${inspect(config, { depth: 10 })} ${String(config.openrouter.apiKey)}`;
    expect(printed).not.toContain(key);
    expect(printed).not.toContain(token);
    expect(printed).not.toContain('hunter22');
    expect(printed).toContain('…cdef');
    expect(config.openrouter.apiKey?.reveal()).toBe(key);
    expect(configSecrets(config)).toEqual(expect.arrayContaining([key, token]));
  });

  it('parses comma lists', () => {
    const config = loadConfig({
      BOT_ADMINS: 'slack:U012AB3CD, discord:123456789012345678',
      SLACK_ALLOWED_TEAMS: 'T111,T222',
    });
    expect(config.admins).toEqual(['slack:U012AB3CD', 'discord:123456789012345678']);
    expect(config.slack.allowedTeams).toEqual(['T111', 'T222']);
  });
});

describe('.env.example', () => {
  it('lists every key src/config.ts reads, and nothing else', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const keys = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...keys].sort()).toEqual([...CONFIG_KEYS].sort());
  });
});
