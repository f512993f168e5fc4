import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Actor } from '../core/services.js';
import { checkAccess, discordGuilds } from './access.js';

const ADMIN = '400000000000000001';
const GUILD = '200000000000000001';
const OTHER_GUILD = '200000000000000002';

const discord = (workspaceId?: string, userId = '400000000000000009'): Actor => ({
  platform: 'discord',
  userId,
  ...(workspaceId ? { workspaceId } : {}),
});
const slack = (account?: { teamId?: string; guest: boolean }, workspaceId = 'T0001'): Actor => ({
  platform: 'slack',
  userId: 'U0001',
  workspaceId,
  ...(account ? { account: async () => account } : {}),
});

describe('checkAccess: Discord is closed by default', () => {
  it('answers only in DISCORD_ALLOWED_GUILDS when set, even outside DISCORD_GUILD_ID', async () => {
    const config = loadConfig({ DISCORD_ALLOWED_GUILDS: `${OTHER_GUILD}`, DISCORD_GUILD_ID: GUILD });
    expect(discordGuilds(config)).toEqual([OTHER_GUILD]);
    expect((await checkAccess(config, discord(OTHER_GUILD))).allowed).toBe(true);
    expect((await checkAccess(config, discord(GUILD))).allowed).toBe(false);
  });

  it('falls back to DISCORD_GUILD_ID, and names the variable that would allow another server', async () => {
    const config = loadConfig({ DISCORD_GUILD_ID: GUILD });
    expect((await checkAccess(config, discord(GUILD))).allowed).toBe(true);
    const refused = await checkAccess(config, discord(OTHER_GUILD));
    expect(refused).toEqual({ allowed: false, reason: expect.stringContaining('DISCORD_ALLOWED_GUILDS') });
    expect(refused.allowed || refused.reason).toContain(OTHER_GUILD);
  });

  it('with both unset answers in no server, and in DMs only BOT_ADMINS', async () => {
    const config = loadConfig({ BOT_ADMINS: `discord:${ADMIN}` });
    expect(discordGuilds(config)).toEqual([]);
    expect((await checkAccess(config, discord(GUILD, ADMIN))).allowed).toBe(false);
    expect((await checkAccess(config, discord(undefined, ADMIN))).allowed).toBe(true);
    const stranger = await checkAccess(config, discord(undefined));
    expect(stranger).toEqual({ allowed: false, reason: expect.stringContaining('BOT_ADMINS') });
  });
});

describe('checkAccess: Slack teams and guests', () => {
  it('checks the workspace and the person’s own team against SLACK_ALLOWED_TEAMS', async () => {
    const config = loadConfig({ SLACK_ALLOWED_TEAMS: 'T0001' });
    expect((await checkAccess(config, slack({ teamId: 'T0001', guest: false }))).allowed).toBe(true);
    expect((await checkAccess(config, slack({ teamId: 'T0001', guest: false }, 'T0002'))).allowed).toBe(false);
    const external = await checkAccess(config, slack({ teamId: 'T0999', guest: false }));
    expect(external).toEqual({ allowed: false, reason: expect.stringContaining('SLACK_ALLOWED_TEAMS') });
  });

  it('refuses guests unless SLACK_ALLOW_GUESTS=true', async () => {
    const guest = slack({ teamId: 'T0001', guest: true });
    const refused = await checkAccess(loadConfig({}), guest);
    expect(refused).toEqual({ allowed: false, reason: expect.stringContaining('SLACK_ALLOW_GUESTS=true') });
    expect((await checkAccess(loadConfig({ SLACK_ALLOW_GUESTS: 'true' }), guest)).allowed).toBe(true);
    expect((await checkAccess(loadConfig({}), slack({ guest: false }))).allowed).toBe(true);
  });

  it('refuses when the account cannot be checked (closed by default)', async () => {
    const actor: Actor = { ...slack(), account: () => Promise.reject(new Error('users.info failed')) };
    expect((await checkAccess(loadConfig({}), actor)).allowed).toBe(false);
  });

  it('lets the console through', async () => {
    const config = loadConfig({ SLACK_ALLOWED_TEAMS: 'T0001' });
    expect((await checkAccess(config, { platform: 'console', userId: 'operator' })).allowed).toBe(true);
  });
});
