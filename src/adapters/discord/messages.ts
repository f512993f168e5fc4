/**
 * MESSAGE_CREATE → pasted `gen-…` ids get a reply to that message with the lookup (one reply per
 * id, at most a few; the core caps them). Bots and webhooks are ignored, so the bot never answers
 * itself. Without the Message Content intent only messages that mention the bot carry content.
 * @module
 */
import type { Message } from 'discord.js';
import type { Bot } from '../../commands/dispatch.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../logger.js';
import { actorFromMessage } from './actor.js';
import { settle, toCreate, toEdit } from './deliver.js';
import { renderReply } from './render.js';

const GEN_HINT = /gen-/i;
const render = (r: Reply) => renderReply(r, { refresh: true });

export async function handleMessage(message: Message, deps: { bot: Bot; log: Logger }): Promise<void> {
  if (message.author.bot || message.webhookId || message.system) return;
  if (!GEN_HINT.test(message.content)) return;
  try {
    const results = await deps.bot.lookupPastedIds(message.content, actorFromMessage(message));
    const pending: Promise<void>[] = [];
    for (const result of results) {
      // A passive trigger: stay quiet where the bot is not enabled or the person is rate-limited.
      if (result.outcome === 'denied' || result.outcome === 'rate_limited') continue;
      const sent = await message.reply({ ...toCreate(render(result.reply)), failIfNotExists: false });
      pending.push(settle(result.reply, (final) => sent.edit(toEdit(render(final))), deps.log));
    }
    await Promise.all(pending);
  } catch (error) {
    deps.log.error({ err: error, channel: message.channelId, message: message.id }, 'pasted id lookup failed');
  }
}
