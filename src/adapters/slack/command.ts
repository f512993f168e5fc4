/**
 * `/credits <text>`: acked first (Slack's 3 seconds), deduplicated by trigger id (a retried
 * delivery is not run twice), answered ephemerally through `response_url`; a public answer (a setting
 * changed for the channel, a digest preview) goes to the whole channel through the same `response_url`.
 * @module
 */
import type { App } from '@slack/bolt';
import type { Bot } from '../../commands/dispatch.js';
import type { SlackActors } from './actor.js';
import type { createBoundedSet } from './dedupe.js';
import type { SlackEventCounter } from './messages.js';
import type { SlackResponder } from './respond.js';

export interface CommandDeps {
  bot: Bot;
  events: SlackEventCounter;
  seenCommands: ReturnType<typeof createBoundedSet>;
  actors: SlackActors;
  responder: SlackResponder;
}

export function registerCommand(app: App, { bot, events, seenCommands, actors, responder }: CommandDeps): void {
  app.command('/credits', async ({ command, ack, respond }) => {
    await ack(); // first, always: Slack's 3 seconds
    if (seenCommands.has(command.trigger_id)) {
      events.inc({ kind: 'command', outcome: 'duplicate' });
      return;
    }
    seenCommands.add(command.trigger_id);
    events.inc({ kind: 'command', outcome: 'processed' });
    // The command and its answer wait their turn behind the acks of a burst (the core's work gate).
    await bot.afterAck(async () => {
      const actor = actors.actorFor({
        userId: command.user_id,
        userName: command.user_name,
        teamId: command.team_id,
        channelId: command.channel_id,
      });
      const result = await bot.runText(command.text ?? '', actor);
      if (result.reply.visibility === 'public' && !result.reply.pending) {
        // `in_channel` on a slash command's response_url shows the message to the channel, as Discord's
        // public answers do (https://api.slack.com/interactivity/slash-commands, "in_channel").
        await respond({ response_type: 'in_channel', ...responder.renderPublic(result.reply) });
        return;
      }
      // A slash command's response_url only adds messages; it cannot replace its own (bolt-js#2287).
      await responder.answerEphemeral(result, (command.text ?? '').trim(), respond, {
        canReplace: false,
        channel: command.channel_id,
      });
    });
  });
}
