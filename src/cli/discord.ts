/**
 * `credits-bot discord register|invite`: register the `/credits` command or print the invite URL.
 * @module
 */
import { Routes } from 'discord.js';
import { createRest, inviteUrl, registerCommands } from '../adapters/discord/register.js';
import { commands } from '../commands/index.js';
import { type Config, configSecrets } from '../config.js';
import { createLogger } from '../logger.js';

export async function runDiscordCli(config: Config, sub: string | undefined): Promise<number> {
  const log = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  if (sub !== 'register' && sub !== 'invite') {
    process.stderr.write('Usage: credits-bot discord register | credits-bot discord invite\n');
    return 2;
  }
  if (!config.discord.token) {
    process.stderr.write(
      'DISCORD_TOKEN is not set: copy it from the Discord developer portal → your application → Bot.\n',
    );
    return 1;
  }
  const rest = createRest(config);
  const applicationId = ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  if (sub === 'invite') {
    process.stdout.write(`${inviteUrl(applicationId)}\n`);
    return 0;
  }
  const result = await registerCommands(config, commands, log, { rest, applicationId });
  const where = result.scope === 'guild' ? `in server ${config.discord.guildId}` : 'globally';
  process.stdout.write(
    result.changed ? `Registered /credits ${where}.\n` : `/credits is already registered ${where}; nothing to do.\n`,
  );
  return 0;
}
