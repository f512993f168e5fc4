/**
 * INTERACTION_CREATE → the core. Answers that need I/O are deferred at once (ephemeral) to meet
 * Discord's 3-second deadline, then edited; pending request lookups are edited again in place.
 * One error boundary per interaction.
 * @module
 */
import {
  type AutocompleteInteraction,
  type BaseInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
} from 'discord.js';
import type { AnyCommand } from '../../commands/command.js';
import type { Bot, CommandResult } from '../../commands/dispatch.js';
import { buttonSpec, splitOrigin, withOrigin } from '../../core/buttons.js';
import { errorReply, type Reply } from '../../core/reply.js';
import type { Actor } from '../../core/services.js';
import type { Logger } from '../../logger.js';
import { actorFromInteraction } from './actor.js';
import {
  CREDITS_COMMAND,
  coreOptions,
  discordOptionName,
  LOOKUP_COMMAND,
  usesChoiceAutocomplete,
} from './definitions.js';
import { settle, toCreate, toEdit } from './deliver.js';
import { parsePressCustomId, REFRESH_PREFIX, renderReply, SHARE_ID } from './render.js';

export type AutocompleteSource = (source: 'model' | 'timezone', partial: string) => Promise<string[]>;

export interface InteractionDeps {
  bot: Bot;
  log: Logger;
  autocomplete?: AutocompleteSource;
}

const AUTOCOMPLETE_BUDGET_MS = 2_500;
const MAX_SUGGESTIONS = 25;

const renderEphemeral = (r: Reply) => renderReply(r, { share: true, refresh: true });

type Editable = ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction;

/** Shows a reply in a deferred interaction; a public reply is posted as a follow-up in the channel. */
async function showInDeferred(i: Editable, reply: Reply, log: Logger): Promise<void> {
  if (reply.visibility === 'public') {
    await i.editReply({ content: 'Posted in the channel.', embeds: [], components: [] });
    const posted = await i.followUp(toCreate(renderReply(reply, { refresh: true })));
    await settle(
      reply,
      (final) => i.editReply({ message: posted, ...toEdit(renderReply(final, { refresh: true })) }),
      log,
    );
    return;
  }
  await i.editReply(toEdit(renderEphemeral(reply)));
  await settle(reply, (final) => i.editReply(toEdit(renderEphemeral(final))), log);
}

async function onChatInput(i: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  if (i.commandName !== CREDITS_COMMAND) return;
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  // The command and its answer wait their turn behind the acks of a burst (the core's work gate).
  await deps.bot.afterAck(async () => {
    const name = i.options.getSubcommand(false) ?? 'help';
    const command = deps.bot.commands.find((c) => c.name === name);
    const options = command ? coreOptions(command, (n) => i.options.get(n)?.value) : {};
    const result = await deps.bot.runCommand(name, options, actorFromInteraction(i));
    await showInDeferred(i, result.reply, deps.log);
  });
}

async function onLookup(i: MessageContextMenuCommandInteraction, deps: InteractionDeps): Promise<void> {
  if (i.commandName !== LOOKUP_COMMAND) return;
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const results = await deps.bot.lookupPastedIds(i.targetMessage.content, actorFromInteraction(i));
  const [first, ...rest] = results;
  if (!first) {
    await i.editReply(toEdit(renderReply(errorReply('No gen-… request id in that message.', 'request <gen-id>'))));
    return;
  }
  const pending: Promise<void>[] = [];
  await i.editReply(toEdit(renderEphemeral(first.reply)));
  pending.push(settle(first.reply, (final) => i.editReply(toEdit(renderEphemeral(final))), deps.log));
  for (const result of rest) {
    const sent = await i.followUp({ ...toCreate(renderEphemeral(result.reply)), flags: MessageFlags.Ephemeral });
    pending.push(
      settle(result.reply, (final) => i.editReply({ message: sent, ...toEdit(renderEphemeral(final)) }), deps.log),
    );
  }
  await Promise.all(pending);
}

/** Refresh values are the command text the core recorded: `name key:value …` on Discord, text elsewhere. */
export function parseRefresh(
  value: string,
  commands: readonly AnyCommand[],
): { name: string; options: Record<string, string> } | undefined {
  const [name = '', ...tokens] = value.trim().split(/\s+/);
  const command = commands.find((c) => c.name === name);
  if (!command) return undefined;
  const keys = Object.keys(command.options);
  const options: Record<string, string> = {};
  let last: string | undefined;
  for (const token of tokens) {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon) : '';
    if (keys.includes(key) && options[key] === undefined) {
      options[key] = token.slice(colon + 1);
      last = key;
    } else if (last !== undefined) {
      options[last] = `${options[last]} ${token}`;
    } else {
      return undefined;
    }
  }
  return { name, options };
}

function rerun(value: string, bot: Bot, actor: Actor): Promise<CommandResult> {
  const parsed = parseRefresh(value, bot.commands);
  return parsed ? bot.runCommand(parsed.name, parsed.options, actor) : bot.runText(value, actor);
}

/**
 * A press button. A confirmation's Confirm / Approve / Cancel (`inPlace`) update the message they are
 * on (and the public message the confirmation came from); a refusal goes to the presser only. Other
 * presses answer the presser ephemerally, or post a public answer (a two-person approval request).
 */
async function onPress(i: ButtonInteraction, pressed: { action: string; value: string }, deps: InteractionDeps) {
  const spec = buttonSpec(pressed.action);
  const { value, origin } = splitOrigin(pressed.action, pressed.value);
  if (spec?.inPlace) {
    await i.deferUpdate();
    const result = await deps.bot.pressButton(pressed.action, value, actorFromInteraction(i));
    const shown = toEdit(renderReply(result.reply, {}));
    if (result.outcome !== 'ok') {
      await i.followUp({ ...toCreate(renderReply(result.reply, {})), flags: MessageFlags.Ephemeral });
      return;
    }
    await i.editReply(shown);
    if (origin) {
      try {
        const channel = i.channel ?? (await i.client.channels.fetch(i.channelId));
        if (channel?.isTextBased()) await channel.messages.edit(origin, shown);
      } catch (error) {
        deps.log.debug({ err: error }, 'could not update the origin message');
      }
    }
    return;
  }
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await deps.bot.pressButton(pressed.action, value, actorFromInteraction(i));
  if (result.outcome !== 'ok') {
    await i.editReply(toEdit(renderReply(result.reply, {})));
    return;
  }
  if (spec?.clearsButtons) {
    // Acknowledged/snoozed: confirm to the presser and take the buttons off the alert.
    await i.editReply(toEdit(renderReply({ ...result.reply, visibility: 'ephemeral' }, {})));
    await i.message
      .edit({ components: [] })
      .catch((error: unknown) => deps.log.debug({ err: error }, 'could not remove alert buttons'));
    return;
  }
  // A confirmation step names the public message it came from, so its answer can update that too.
  const answer = withOrigin(result.reply, i.message.flags.has(MessageFlags.Ephemeral) ? undefined : i.message.id);
  if (answer.visibility === 'public') {
    await i.editReply({ content: 'Posted in the channel.', embeds: [], components: [] });
    await i.followUp(toCreate(renderReply(answer, {})));
    return;
  }
  await i.editReply(toEdit(renderReply(answer, {})));
}

async function onButton(i: ButtonInteraction, deps: InteractionDeps): Promise<void> {
  if (i.customId === SHARE_ID) {
    // Copies what the person sees into the channel, but never where the bot is not enabled.
    const access = await deps.bot.access(actorFromInteraction(i));
    if (!access.allowed) {
      await i.reply({ ...toCreate(renderReply(errorReply(access.reason))), flags: MessageFlags.Ephemeral });
      return;
    }
    await i.reply({
      content: `Shared by <@${i.user.id}>`,
      embeds: i.message.embeds.map((e) => e.toJSON()),
      components: [],
    });
    return;
  }
  const pressed = parsePressCustomId(i.customId);
  if (pressed) {
    await onPress(i, pressed, deps);
    return;
  }
  if (!i.customId.startsWith(REFRESH_PREFIX)) return;
  await i.deferUpdate();
  await deps.bot.afterAck(async () => {
    const result = await rerun(i.customId.slice(REFRESH_PREFIX.length), deps.bot, actorFromInteraction(i));
    const ephemeral = i.message.flags.has(MessageFlags.Ephemeral);
    const render = (r: Reply) => renderReply(r, { share: ephemeral, refresh: true });
    await i.editReply(toEdit(render(result.reply)));
    await settle(result.reply, (final) => i.editReply(toEdit(render(final))), deps.log);
  });
}

function localSuggestions(values: readonly string[], partial: string): string[] {
  const q = partial.trim().toLowerCase();
  return [
    ...values.filter((v) => v.toLowerCase().startsWith(q)),
    ...values.filter((v) => !v.toLowerCase().startsWith(q) && v.toLowerCase().includes(q)),
  ];
}

function withBudget<T>(work: Promise<T>, fallback: T, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([work.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

async function onAutocomplete(i: AutocompleteInteraction, deps: InteractionDeps): Promise<void> {
  // Where the bot is not enabled it suggests nothing (model names and zones are not secret, but the
  // bot says nothing at all there).
  if (!(await deps.bot.access(actorFromInteraction(i))).allowed) {
    await i.respond([]);
    return;
  }
  const focused = i.options.getFocused(true);
  const command = deps.bot.commands.find((c) => c.name === i.options.getSubcommand(false));
  const spec = Object.entries(command?.options ?? {}).find(([key]) => discordOptionName(key) === focused.name)?.[1];
  const partial = String(focused.value ?? '').slice(0, 100);
  let values: string[] = [];
  if (spec?.autocomplete) {
    const source = spec.autocomplete;
    const lookup = deps.autocomplete
      ? deps.autocomplete(source, partial)
      : Promise.resolve(source === 'timezone' ? localSuggestions(Intl.supportedValuesOf('timeZone'), partial) : []);
    values = await withBudget(lookup, [], AUTOCOMPLETE_BUDGET_MS);
  } else if (spec && usesChoiceAutocomplete(spec)) {
    values = localSuggestions(spec.choices ?? [], partial);
  }
  const choices = values.filter((v) => v.length > 0 && v.length <= 100).slice(0, MAX_SUGGESTIONS);
  await i.respond(choices.map((v) => ({ name: v, value: v })));
}

async function reportFailure(i: BaseInteraction, error: unknown, log: Logger): Promise<void> {
  log.error({ err: error, interaction: i.id, type: i.type }, 'discord interaction failed');
  if (!i.isRepliable()) return;
  const failure = renderReply(
    errorReply('Something went wrong on my side; it has been logged. Try again, or type `help`.'),
  );
  try {
    if (i.deferred || i.replied) await i.editReply(toEdit(failure));
    else await i.reply({ ...toCreate(failure), flags: MessageFlags.Ephemeral });
  } catch (replyError) {
    log.warn({ err: replyError }, 'could not report the failure to the user');
  }
}

/** The one boundary for every interaction. */
export async function handleInteraction(i: BaseInteraction, deps: InteractionDeps): Promise<void> {
  try {
    if (i.isChatInputCommand()) await onChatInput(i, deps);
    else if (i.isMessageContextMenuCommand()) await onLookup(i, deps);
    else if (i.isButton()) await onButton(i, deps);
    else if (i.isAutocomplete()) await onAutocomplete(i, deps);
  } catch (error) {
    await reportFailure(i, error, deps.log);
  }
}
