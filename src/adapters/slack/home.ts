/**
 * The Slack App Home: on `app_home_opened` (Home tab) the core's `home` overview is published as
 * the user's home view (`views.publish`, a view of type "home"); its Refresh and Sync now buttons
 * publish it again. Reference: "Slack App Home" in shared/reference/slack-discord-offline.md.
 * @module
 */
import type { App } from '@slack/bolt';
import type { Bot } from '../../commands/dispatch.js';
import type { Actor } from '../../core/services.js';
import type { Logger } from '../../logger.js';
import type { SlackActors } from './actor.js';
import { renderReply } from './blocks.js';
import type { SlackEventCounter } from './messages.js';
import type { SlackResponder } from './respond.js';

interface HomeDeps {
  bot: Bot;
  log: Logger;
  events: SlackEventCounter;
  actors: SlackActors;
  responder: SlackResponder;
}

/** Runs `text` (`home`, `home sync`) for the user and publishes the answer as their home tab. */
export async function publishHome(
  client: App['client'],
  deps: Pick<HomeDeps, 'bot' | 'responder'>,
  actor: Actor,
  text = 'home',
): Promise<void> {
  const result = await deps.bot.runText(text, actor);
  const final = await deps.responder.finish(result.reply);
  const { blocks } = renderReply({ ...final, visibility: 'public' }, { buttonFilter: (b) => b.action !== 'share' });
  await client.views.publish({ user_id: actor.userId, view: { type: 'home', blocks } });
}

export function registerHome(app: App, deps: HomeDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return; // the Messages tab needs nothing
    deps.events.inc({ kind: 'home', outcome: 'processed' });
    const actor = deps.actors.actorFor({ userId: event.user, ...(body.team_id ? { teamId: body.team_id } : {}) });
    try {
      await publishHome(client, deps, actor);
    } catch (error) {
      deps.log.warn({ err: error, user: event.user }, 'could not publish the home tab');
    }
  });
}
