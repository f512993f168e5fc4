/**
 * `digest subscribe [weekday] [HH:MM] [zone] | unsubscribe | list | preview`: the weekly spend
 * digest for a channel. Changing the subscription needs an admin; `preview` posts the most recent
 * complete window now and records nothing.
 * @module
 */

import { type Reply, reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';
import {
  type Channel,
  deactivateSubscription,
  listSubscriptions,
  upsertSubscription,
} from '../db/queries/subscriptions.js';
import { renderDigest, windowLabel } from '../digest/build-digest.js';
import { addDays, computeDigestFigures } from '../digest/figures.js';
import { loadDigestInputs, rowsOnDay } from '../digest/queries.js';
import {
  nextDue,
  normalizeTimeZone,
  parseTime,
  parseWeekday,
  TIME_TOKEN,
  WEEKDAY_NAMES,
  WEEKDAY_TOKEN,
  ZONE_TOKEN,
} from '../domain/digest-window.js';
import { UserError } from '../errors.js';
import { syncOnce } from '../jobs/sync.js';
import { defineCommand } from './command.js';
import { quote } from './grammar.js';

const USAGE = 'digest subscribe [weekday] [HH:MM] [IANA zone] | digest unsubscribe | digest list | digest preview';
const ACTIONS = ['subscribe', 'unsubscribe', 'list', 'preview'] as const;
function titleCase(day: string): string {
  return day.charAt(0).toUpperCase() + day.slice(1);
}

/** The Slack or Discord channel the command was run in; `what` names what goes there. */
export function channelOf(actor: Actor, what = 'Digests', usage = USAGE): Channel {
  if ((actor.platform !== 'slack' && actor.platform !== 'discord') || !actor.workspaceId || !actor.channelId) {
    throw new UserError(
      `${what} go to a Slack or Discord channel: run this command in the channel that should get them.`,
      usage,
    );
  }
  return { platform: actor.platform, workspaceId: actor.workspaceId, channelId: actor.channelId };
}

function whenText(weekday: number, time: string, zone: string): string {
  return `every ${titleCase(WEEKDAY_NAMES[weekday] ?? 'monday')} at ${time} (${zone})`;
}

function formatLocal(d: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}

async function subscribe(
  services: Services,
  actor: Actor,
  args: { weekday?: string; time?: string; timezone?: string },
): Promise<Reply> {
  const channel = channelOf(actor);
  const weekday = parseWeekday(args.weekday ?? 'monday');
  if (weekday === null) {
    throw new UserError(`"${quote(args.weekday ?? '')}" is not a day of the week; use e.g. monday, fri or Thu.`, USAGE);
  }
  const time = parseTime(args.time ?? '09:00');
  if (time === null) {
    throw new UserError(`"${quote(args.time ?? '')}" is not a time of day; use HH:MM, e.g. 09:00 or 17:30.`, USAGE);
  }
  const zone = normalizeTimeZone(args.timezone ?? services.config.digestTimezone);
  if (!zone) {
    throw new UserError(
      `"${quote(args.timezone ?? '')}" is not an IANA time zone; use e.g. UTC, Europe/Berlin or America/New_York.`,
      USAGE,
    );
  }
  const now = services.now();
  const sub = await upsertSubscription(services.store.get().db, {
    ...channel,
    weekday,
    time,
    timezone: zone,
    createdBy: `${actor.platform}:${actor.userId}`,
    now,
  });
  const first = nextDue(sub, now);
  // Slack: membership lets the bot check the history before a resend and upload the chart.
  const access = (await actor.joinChannel?.()) ?? { ok: true };
  return reply({
    title: 'Weekly digest subscribed',
    tone: 'good',
    summary: `This channel gets the weekly spend digest ${whenText(weekday, time, zone)}.`,
    fields: [
      { label: 'First digest', value: formatLocal(first.dueAt, zone), inline: true },
      { label: 'It covers', value: `UTC days ${windowLabel(first.window)}`, inline: true },
    ],
    notes: [
      'Each digest covers the 7 complete UTC days before it is due (OpenRouter publishes activity by UTC day); weeks without spend are skipped.',
      'Stop it with `digest unsubscribe`; see it now with `digest preview`.',
      ...(access.ok ? [] : [access.advice]),
    ],
    visibility: 'public',
  });
}

async function preview(services: Services, actor: Actor): Promise<Reply> {
  const { db } = services.store.get();
  const now = services.now();
  const today = now.toISOString().slice(0, 10);
  const window = { from: addDays(today, -7), to: today };
  if (services.openrouter.hasManagementKey && (await rowsOnDay(db, addDays(today, -1))) === 0) {
    await syncOnce({ db, openrouter: services.openrouter, now: services.now, logger: services.log }).catch(
      (error: unknown) => services.log.warn({ err: error }, 'digest preview: sync failed; using stored data'),
    );
  }
  const figures = computeDigestFigures(
    await loadDigestInputs({ db, window, now, openrouter: services.openrouter, log: services.log }),
  );
  if (figures.empty) {
    return reply({
      title: `Preview: weekly OpenRouter spend, ${windowLabel(window)}`,
      summary: services.openrouter.hasManagementKey
        ? 'No spend in these 7 UTC days, so a scheduled digest for them would be skipped.'
        : 'The digest reads account activity, which needs a management key (OPENROUTER_MANAGEMENT_KEY).',
      visibility: actor.platform === 'console' ? 'ephemeral' : 'public',
    });
  }
  const r = await renderDigest(figures, {
    preview: true,
    onChartError: (error) => services.log.warn({ err: error }, 'digest preview chart failed'),
  });
  return { ...r, visibility: 'public' };
}

async function list(services: Services, actor: Actor): Promise<Reply> {
  const channel = channelOf(actor);
  const subs = await listSubscriptions(services.store.get().db, {
    platform: channel.platform,
    workspaceId: channel.workspaceId,
  });
  if (subs.length === 0) {
    return reply({
      title: 'Weekly digests',
      summary: 'No channel in this workspace gets the weekly digest. Subscribe one with `digest subscribe`.',
    });
  }
  const now = services.now();
  return reply({
    title: 'Weekly digests',
    summary: `${subs.length} channel${subs.length === 1 ? '' : 's'} in this workspace get${subs.length === 1 ? 's' : ''} the weekly digest.`,
    tables: [
      {
        columns: ['Channel', 'When', 'Next', 'Set up by'],
        rows: subs.map((s) => [
          actor.platform === 'slack' ? `#${s.channelId}` : s.channelId,
          whenText(s.weekday, s.time, s.timezone).replace('every ', ''),
          formatLocal(nextDue(s, now).dueAt, s.timezone),
          s.createdBy.replace(/^(slack|discord):/, ''),
        ]),
      },
    ],
  });
}

/** `digest …`: the weekly spend digest for a channel. */
export const digest = defineCommand({
  name: 'digest',
  summary: 'Weekly spend digest for this channel: subscribe, unsubscribe, list, preview',
  usage: USAGE,
  examples: ['digest subscribe', 'digest subscribe friday 16:00 Europe/Berlin', 'digest list', 'digest preview'],
  options: {
    action: { kind: 'choice', description: 'What to do', choices: ACTIONS, required: true },
    weekday: {
      kind: 'string',
      description: 'Day of the week: monday, fri, Thu. (default Monday)',
      pattern: WEEKDAY_TOKEN,
      maxLength: 12,
    },
    time: { kind: 'string', description: 'Time of day, HH:MM (default 09:00)', pattern: TIME_TOKEN, maxLength: 8 },
    timezone: {
      kind: 'string',
      description: 'IANA time zone (default DIGEST_TIMEZONE)',
      pattern: ZONE_TOKEN,
      maxLength: 64,
      autocomplete: 'timezone',
    },
  },
  admin: (args) => args.action === 'subscribe' || args.action === 'unsubscribe',
  async run({ args, actor, services }) {
    switch (args.action) {
      case 'subscribe':
        return subscribe(services, actor, args);
      case 'unsubscribe': {
        const stopped = await deactivateSubscription(services.store.get().db, channelOf(actor));
        return reply({
          title: 'Weekly digest',
          tone: stopped ? 'good' : 'neutral',
          summary: stopped
            ? 'This channel no longer gets the weekly digest.'
            : 'This channel was not subscribed to the weekly digest.',
          visibility: stopped ? 'public' : 'ephemeral',
        });
      }
      case 'list':
        return list(services, actor);
      case 'preview':
        return preview(services, actor);
    }
  },
});
