/**
 * The buttons: Share in channel (the kept answer, posted publicly), Refresh (run the command
 * again, in place) and the alert buttons (Acknowledge, Snooze), each acked first.
 * @module
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Bot } from '../../commands/dispatch.js';
import { BUTTONS, PRESS_BUTTONS, SHARE } from '../../core/buttons.js';
import type { Logger } from '../../logger.js';
import type { SlackActors } from './actor.js';
import { platformError } from './app.js';
import { publishHome } from './home.js';
import type { SlackEventCounter } from './messages.js';
import type { SlackResponder } from './respond.js';

export interface ActionDeps {
  bot: Bot;
  log: Logger;
  events: SlackEventCounter;
  actors: SlackActors;
  responder: SlackResponder;
}

export function registerActions(app: App, { bot, log, events, actors, responder }: ActionDeps): void {
  app.action<BlockAction<ButtonAction>>(SHARE.action, async ({ ack, body, action, respond }) => {
    await ack();
    events.inc({ kind: 'share', outcome: 'processed' });
    let parsed: { id?: string; text?: string } = {};
    try {
      parsed = JSON.parse(action.value ?? '{}') as typeof parsed;
    } catch {
      parsed = { text: action.value ?? '' };
    }
    const actor = actors.actionActor(body);
    let answer = parsed.id ? responder.sharedAnswer(parsed.id) : undefined;
    if (!answer) {
      if (parsed.text === undefined) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'That answer is too old to share; run the command again.',
        });
        return;
      }
      const rerun = await bot.runText(parsed.text, actor);
      if (rerun.outcome !== 'ok') {
        // Never share a refusal or an error in the channel; show it to the presser only.
        await respond({ response_type: 'ephemeral', replace_original: false, ...responder.renderPublic(rerun.reply) });
        return;
      }
      answer = await responder.finish(rerun.reply);
    }
    const msg = responder.renderPublic({ ...answer, visibility: 'public' }, body.user.id);
    const channel = body.channel?.id;
    let posted = false;
    if (channel) {
      try {
        await responder.postMessage(channel, msg);
        posted = true;
      } catch (error) {
        log.info({ channel, error: platformError(error) }, 'could not post the shared answer; using response_url');
      }
    }
    if (!posted) await respond({ response_type: 'in_channel', replace_original: false, ...msg });
    await respond({ delete_original: true }).catch((error: unknown) =>
      log.debug({ err: error }, 'could not remove the ephemeral original'),
    );
  });

  // Refresh and the other run-again buttons (Sync now on the App Home) re-run their value as text.
  const rerun = BUTTONS.filter((b) => b.kind === 'refresh').map((b) => b.action);
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^(${rerun.join('|')})$`),
    async ({ ack, body, action, respond, client }) => {
      await ack();
      events.inc({ kind: 'refresh', outcome: 'processed' });
      const text = action.value ?? '';
      if (body.view?.type === 'home') {
        // A button on the App Home: no response_url there; the home view is published again.
        await publishHome(client, { bot, responder }, actors.actionActor(body), text);
        return;
      }
      const result = await bot.runText(text, actors.actionActor(body));
      const isEphemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral !== false;
      if (isEphemeral) {
        await responder.answerEphemeral(result, text, respond);
        return;
      }
      const final = await responder.finish(result.reply);
      await respond({ replace_original: true, ...responder.renderPublic(final) });
    },
  );

  // One listener per declared press button (core/buttons.ts), answered by the core's handler.
  for (const { action: id } of PRESS_BUTTONS) {
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, respond }) => {
      await ack();
      events.inc({ kind: id, outcome: 'processed' });
      const result = await bot.pressButton(id, action.value ?? '', actors.actionActor(body));
      if (result.outcome !== 'ok') {
        // A refusal goes to the presser only; the alert message stays as it is.
        await respond({ response_type: 'ephemeral', replace_original: false, ...responder.renderPublic(result.reply) });
        return;
      }
      await respond({ response_type: 'in_channel', replace_original: false, ...responder.renderPublic(result.reply) });
    });
  }
}
