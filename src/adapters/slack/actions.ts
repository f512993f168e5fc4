/**
 * The buttons: Share in channel (the kept answer, posted publicly), Refresh (run the command
 * again, in place), the alert buttons (Acknowledge, Snooze) and the key actions with their
 * confirmation step (Confirm / Approve / Cancel replace the confirmation in place), each acked first.
 * @module
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Bot } from '../../commands/dispatch.js';
import { BUTTONS, PRESS_BUTTONS, SHARE, splitOrigin, withOrigin } from '../../core/buttons.js';
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
    const access = await bot.access(actor);
    if (!access.allowed) {
      // A kept answer is shared without re-running it: check first who is sharing, and where.
      await respond({ response_type: 'ephemeral', replace_original: false, text: access.reason });
      return;
    }
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
      await bot.afterAck(async () => {
        const result = await bot.runText(text, actors.actionActor(body));
        const isEphemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral !== false;
        if (isEphemeral) {
          // An interaction's response_url replaces the message that holds the button.
          await responder.answerEphemeral(result, text, respond, { canReplace: true });
          return;
        }
        const final = await responder.finish(result.reply);
        await respond({ replace_original: true, ...responder.renderPublic(final) });
      });
    },
  );

  // One listener per declared press button (core/buttons.ts), answered by the core's handler.
  for (const spec of PRESS_BUTTONS) {
    app.action<BlockAction<ButtonAction>>(spec.action, async ({ ack, body, action, respond }) => {
      await ack();
      events.inc({ kind: spec.action, outcome: 'processed' });
      const { value, origin } = splitOrigin(spec.action, action.value ?? '');
      const result = await bot.pressButton(spec.action, value, actors.actionActor(body));
      if (result.outcome !== 'ok') {
        // A refusal goes to the presser only; the message stays as it is.
        await respond({ response_type: 'ephemeral', replace_original: false, ...responder.renderPublic(result.reply) });
        return;
      }
      if (spec.inPlace) {
        // A confirmation's answer replaces it (the response_url of a button press can: reference
        // "what the platforms really do"), and updates the public message it was asked from.
        const msg = responder.renderPublic(result.reply);
        await respond({ replace_original: true, ...msg });
        const [channel, ts] = origin?.split('/') ?? [];
        if (channel && ts) {
          await responder
            .updateMessage(channel, ts, msg)
            .catch((error: unknown) =>
              log.info({ error: platformError(error) }, 'could not update the origin message'),
            );
        }
        return;
      }
      // A confirmation step names the public message it came from, so its answer can update that too.
      const container = body.container as { message_ts?: string; is_ephemeral?: boolean } | undefined;
      const from =
        container?.message_ts && container.is_ephemeral === false && body.channel?.id
          ? `${body.channel.id}/${container.message_ts}`
          : undefined;
      const answer = withOrigin(result.reply, from);
      await respond({
        response_type: answer.visibility === 'public' ? 'in_channel' : 'ephemeral',
        replace_original: false,
        ...responder.renderPublic(answer),
      });
    });
  }
}
