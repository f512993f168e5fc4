/**
 * The core's command declarations → Discord application commands: one `/credits` chat-input
 * command with a subcommand per core command, plus the message context-menu command
 * "Look up request cost" (it receives the target message's content even without the privileged
 * Message Content intent). Generated, never restated: a new core command appears here by itself.
 * @module
 */
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { AnyCommand, OptionSpec } from '../../commands/command.js';

export const CREDITS_COMMAND = 'credits';
export const LOOKUP_COMMAND = 'Look up request cost';

/** Discord's limits for command JSON. */
const MAX_DESCRIPTION = 100;
const MAX_CHOICES = 25;
const MAX_OPTIONS = 25;
const MAX_STRING_LENGTH = 6000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const UPPER = /[A-Z]/g;

function clip(text: string, max: number): string {
  const t = text.trim() || '-';
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Option names must be lowercase on Discord: `tokensIn` → `tokens_in`. */
export function discordOptionName(key: string): string {
  return key.replace(UPPER, (c) => `_${c.toLowerCase()}`).slice(0, 32);
}

/** Choice options with more than 25 values are offered through autocomplete instead. */
export function usesChoiceAutocomplete(spec: OptionSpec): boolean {
  return spec.kind === 'choice' && (spec.choices?.length ?? 0) > MAX_CHOICES;
}

function bounds(spec: OptionSpec): { min_value?: number; max_value?: number } {
  const clamp = (n: number) => Math.max(-MAX_SAFE, Math.min(MAX_SAFE, n));
  return {
    ...(spec.min !== undefined ? { min_value: clamp(spec.min) } : {}),
    ...(spec.max !== undefined ? { max_value: clamp(spec.max) } : {}),
  };
}

function toOption(key: string, spec: OptionSpec): APIApplicationCommandBasicOption {
  const base = {
    name: discordOptionName(key),
    description: clip(spec.description, MAX_DESCRIPTION),
    required: spec.required ?? false,
  };
  switch (spec.kind) {
    case 'integer':
      return { ...base, type: ApplicationCommandOptionType.Integer, ...bounds(spec) };
    case 'number':
      return { ...base, type: ApplicationCommandOptionType.Number, ...bounds(spec) };
    case 'choice': {
      const values = spec.choices ?? [];
      if (usesChoiceAutocomplete(spec))
        return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true };
      const choices: APIApplicationCommandOptionChoice<string>[] = values.map((v) => ({ name: v, value: v }));
      return { ...base, type: ApplicationCommandOptionType.String, choices };
    }
    case 'string':
    case 'text': {
      const maxLength = Math.min(spec.maxLength ?? MAX_STRING_LENGTH, MAX_STRING_LENGTH);
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(spec.maxLength !== undefined ? { max_length: maxLength } : {}),
        ...(spec.autocomplete ? { autocomplete: true } : {}),
      };
    }
  }
}

function toSubcommand(command: AnyCommand): APIApplicationCommandSubcommandOption {
  // Discord rejects a required option after an optional one.
  const entries = Object.entries(command.options);
  const ordered = [...entries.filter(([, s]) => s.required), ...entries.filter(([, s]) => !s.required)];
  const options = ordered.slice(0, MAX_OPTIONS).map(([key, spec]) => toOption(key, spec));
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: command.name.toLowerCase(),
    description: clip(command.summary, MAX_DESCRIPTION),
    ...(options.length > 0 ? { options } : {}),
  };
}

/** The `/credits` command with one subcommand per core command (at most 25). */
export function buildCreditsCommand(commands: readonly AnyCommand[]): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: CREDITS_COMMAND,
    description: 'OpenRouter credits: balance, usage, request costs, errors, digests and alerts',
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: commands.slice(0, MAX_OPTIONS).map(toSubcommand),
  };
}

/** The message context-menu command; it needs no description. */
function buildLookupCommand(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.Message,
    name: LOOKUP_COMMAND,
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** Everything the bot registers, in one PUT. */
export function buildCommandDefinitions(commands: readonly AnyCommand[]): RESTPostAPIApplicationCommandsJSONBody[] {
  const defs: RESTPostAPIApplicationCommandsJSONBody[] = [buildCreditsCommand(commands)];
  if (commands.some((c) => c.name === 'request')) defs.push(buildLookupCommand());
  return defs;
}

/** Maps Discord option values back to the core's option keys. */
export function coreOptions(
  command: AnyCommand,
  read: (discordName: string) => string | number | boolean | undefined | null,
): Record<string, string | number | boolean | undefined | null> {
  const out: Record<string, string | number | boolean | undefined | null> = {};
  for (const key of Object.keys(command.options)) out[key] = read(discordOptionName(key));
  return out;
}
