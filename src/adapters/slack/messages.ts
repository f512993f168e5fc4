/**
 * Channel messages, DMs and mentions: pasted `gen-…` ids are looked up in a thread; a mention or a
 * DM runs the command it holds. Traffic that is not for the bot is dropped before the dedupe store
 * is touched; retried deliveries and the `message` + `app_mention` pair are answered once.
 * @module
 */
import type { App } from '@slack/bolt';
import type { Counter } from 'prom-client';
import type { Bot } from '../../commands/dispatch.js';
import type { SlackActors } from './actor.js';
import type { createDedupe } from './dedupe.js';
import type { SlackResponder } from './respond.js';

export type SlackEventCounter = Counter<'kind' | 'outcome'>;

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
const GEN_ID_HINT = /gen-/i;

interface MessageLike {
  text: string;
  user: string;
  channel: string;
  ts: string;
  threadTs?: string;
  channelType?: string;
  team?: string;
}

/** Reads the fields we use from a `message` / `app_mention` event; undefined for edits, bots, joins… */
function readMessage(event: unknown): MessageLike | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  const subtype = e.subtype;
  if (subtype !== undefined && subtype !== 'thread_broadcast' && subtype !== 'file_share') return undefined;
  if (typeof e.bot_id === 'string' && e.bot_id) return undefined;
  const { text, user, channel, ts } = e;
  if (typeof text !== 'string' || typeof user !== 'string' || typeof channel !== 'string' || typeof ts !== 'string') {
    return undefined;
  }
  return {
    text,
    user,
    channel,
    ts,
    ...(typeof e.thread_ts === 'string' ? { threadTs: e.thread_ts } : {}),
    ...(typeof e.channel_type === 'string' ? { channelType: e.channel_type } : {}),
    ...(typeof e.team === 'string' ? { team: e.team } : {}),
  };
}

export interface MessageDeps {
  bot: Bot;
  events: SlackEventCounter;
  dedupe: ReturnType<typeof createDedupe>;
  actors: SlackActors;
  responder: SlackResponder;
  /** Background work that stop() and idle() wait for. */
  track(work: Promise<unknown>): void;
  /** The bot's own user id, known after `auth.test`. */
  botUserId(): string | undefined;
  teamAllowed(teamId: string | undefined): boolean;
}

export function registerMessages(app: App, deps: MessageDeps): void {
  const { bot, events, dedupe, actors, responder } = deps;

  async function onMessage(
    kind: 'message' | 'app_mention',
    event: unknown,
    eventId: string | undefined,
    envelopeTeam: string | undefined,
  ) {
    const botUserId = deps.botUserId();
    const parsed = readMessage(event);
    const m = parsed && !parsed.team && envelopeTeam ? { ...parsed, team: envelopeTeam } : parsed;
    if (!m || (botUserId && m.user === botUserId)) {
      events.inc({ kind, outcome: 'ignored' });
      return;
    }
    const mentioned = botUserId ? m.text.includes(`<@${botUserId}`) : kind === 'app_mention';
    const direct = m.channelType === 'im';
    // Most channel traffic is not for us: decide that before touching the dedupe store.
    if ((!mentioned && !direct && !GEN_ID_HINT.test(m.text)) || !deps.teamAllowed(m.team)) {
      events.inc({ kind, outcome: 'ignored' });
      return;
    }
    if (eventId && !(await dedupe.firstTime(`event:${eventId}`))) {
      events.inc({ kind, outcome: 'duplicate' });
      return;
    }
    // A mention arrives twice (`message` and `app_mention`, different event ids, same message).
    if (!(await dedupe.firstTime(`msg:${m.channel}:${m.ts}`))) {
      events.inc({ kind, outcome: 'duplicate' });
      return;
    }
    const actor = actors.actorFor({
      userId: m.user,
      ...(m.team ? { teamId: m.team } : {}),
      channelId: m.channel,
    });
    const text = m.text.replace(MENTION, ' ').trim();
    const lookups = await bot.lookupPastedIds(text, actor);
    if (lookups.length > 0) {
      events.inc({ kind, outcome: 'processed' });
      const threadTs = m.threadTs ?? m.ts;
      for (const result of lookups) {
        // A passive trigger: stay quiet where the person may not use the bot or is rate-limited.
        if (result.outcome === 'denied' || result.outcome === 'rate_limited') continue;
        await responder.answerInThread(result, m.channel, threadTs);
      }
      return;
    }
    if (!mentioned && !direct) {
      events.inc({ kind, outcome: 'ignored' });
      return;
    }
    events.inc({ kind, outcome: 'processed' });
    const result = await bot.runText(text.replace(/^\/?credits\b\s*/i, ''), actor);
    await responder.answerInThread(result, m.channel, direct && !m.threadTs ? undefined : (m.threadTs ?? m.ts));
  }

  // Bolt has acked events before listeners run; tracking the work lets stop() and idle() wait for it.
  app.event('message', async ({ event, body }) => {
    const work = onMessage('message', event, body.event_id, body.team_id);
    deps.track(work);
    await work;
  });
  app.event('app_mention', async ({ event, body }) => {
    const work = onMessage('app_mention', event, body.event_id, body.team_id);
    deps.track(work);
    await work;
  });
}
