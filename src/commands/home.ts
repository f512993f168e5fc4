/**
 * `home [sync]`: one overview for the Slack App Home (and the console): balance, runway, the top
 * keys this month, and every digest subscription and alert of the workspace (not only this
 * channel's). `home sync` (admins) fetches from OpenRouter first. The Slack adapter publishes the
 * reply as the home tab (`views.publish`); its Refresh button runs the command text again.
 * @module
 */
import { button, HOME_SYNC, refreshButton } from '../core/buttons.js';
import { type Reply, type ReplyTable, reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';
import { allRules } from '../db/queries/alerts.js';
import { activeSubscriptions } from '../db/queries/subscriptions.js';
import { describeRule } from '../digest/alert-message.js';
import { formatDays, formatUsd } from '../domain/money.js';
import { syncOnce } from '../jobs/sync.js';
import { readAccountState } from './account-state.js';
import { defineCommand } from './command.js';

const TOP_KEYS = 5;

/** BOT_ADMINS or a platform admin (the same rule the dispatcher applies to `home sync`). */
async function isAdmin(services: Services, actor: Actor): Promise<boolean> {
  if (actor.platform === 'console' || services.config.admins.includes(`${actor.platform}:${actor.userId}`)) return true;
  return (await actor.isPlatformAdmin?.().catch(() => false)) ?? false;
}

/** Same workspace (Slack team, Discord guild); the console sees everything. */
const inWorkspace = (actor: Actor, row: { platform: string; workspaceId: string }) =>
  actor.platform === 'console' || (row.platform === actor.platform && row.workspaceId === actor.workspaceId);

async function topKeys(services: Services, notes: string[]): Promise<ReplyTable | undefined> {
  if (!services.openrouter.hasManagementKey) return undefined;
  try {
    const keys = await services.openrouter.listKeys({ includeDisabled: true, budgetMs: 5_000 });
    const top = keys
      .filter((k) => k.usageMonthly > 0)
      .sort((a, b) => b.usageMonthly - a.usageMonthly)
      .slice(0, TOP_KEYS);
    return {
      title: 'Top keys this month',
      columns: ['key', 'this month', 'today', 'limit left'],
      align: ['left', 'right', 'right', 'right'],
      rows: top.map((k) => [
        k.name || k.label,
        formatUsd(k.usageMonthly),
        formatUsd(k.usageDaily),
        k.limitRemaining === null ? 'no limit' : formatUsd(k.limitRemaining),
      ]),
    };
  } catch (error) {
    services.log.warn({ err: error }, 'home: keys could not be listed');
    notes.push('The keys could not be read from OpenRouter just now.');
    return undefined;
  }
}

async function lists(services: Services, actor: Actor, notes: string[]): Promise<ReplyTable[]> {
  if (!services.store.available()) {
    notes.push('The store is unavailable: digests and alerts are not listed.');
    return [];
  }
  const db = services.store.get().db;
  const [subs, rules] = await Promise.all([activeSubscriptions(db), allRules(db)]);
  const mine = subs.filter((s) => inWorkspace(actor, s));
  const myRules = rules.filter((r) => inWorkspace(actor, r));
  const channel = (id: string) => (actor.platform === 'slack' ? `#${id}` : id);
  return [
    {
      title: `Weekly digests (${mine.length})`,
      columns: ['channel', 'when'],
      rows: mine.length
        ? mine.map((s) => [channel(s.channelId), `${s.weekday} ${s.time} ${s.timezone}`])
        : [['none', '`digest subscribe` in a channel']],
    },
    {
      title: `Alerts (${myRules.length})`,
      columns: ['channel', 'alert', 'state'],
      rows: myRules.length
        ? myRules.map((r) => [channel(r.channelId), describeRule(r.kind, r.threshold), r.state])
        : [['none', '`alert below <usd>` in a channel', '']],
    },
  ];
}

export const home = defineCommand({
  name: 'home',
  summary: 'Overview: balance, runway, top keys, every digest and alert of this workspace',
  usage: 'home [sync]',
  examples: ['home', 'home sync'],
  options: {
    action: { kind: 'choice', description: 'sync: fetch from OpenRouter first (admins)', choices: ['sync'] },
  },
  admin: (args) => args.action === 'sync',
  async run({ args, services, actor }): Promise<Reply> {
    const notes: string[] = [];
    if (args.action === 'sync') {
      if (!services.store.available()) notes.push('The store is unavailable; nothing was synced.');
      else {
        await syncOnce({
          db: services.store.get().db,
          openrouter: services.openrouter,
          now: services.now,
          logger: services.log,
        }).catch((error: unknown) => {
          services.log.warn({ err: error }, 'home sync failed');
          notes.push('The sync failed; the figures below come from before it.');
        });
      }
    }
    const state = await readAccountState(services);
    const fields = [
      {
        label: 'Balance',
        value: state.credits ? formatUsd(state.credits.balance) : (state.creditsProblem ?? 'unknown'),
        inline: true,
      },
      {
        label: 'Burn rate',
        value: state.burn ? `${formatUsd(state.burn.perDay)}/day` : 'not enough history',
        inline: true,
      },
      {
        label: 'Runway',
        value:
          state.runway?.days != null
            ? `${formatDays(state.runway.days)}${state.runway.runOutDate ? ` → runs out ${state.runway.runOutDate.toISOString().slice(0, 10)}` : ''}`
            : 'unknown',
        inline: true,
      },
    ];
    const keys = await topKeys(services, notes);
    const tables = [...(keys ? [keys] : []), ...(await lists(services, actor, notes))];
    return reply({
      title: 'OpenRouter credits',
      summary: state.credits ? `Balance ${formatUsd(state.credits.balance)}` : 'Balance unknown',
      fields,
      tables,
      notes,
      asOf: state.now,
      buttons: [
        refreshButton('home'),
        // Admins manage from here: a sync now (the digests and alerts are managed in their channels).
        ...((await isAdmin(services, actor)) ? [button(HOME_SYNC, 'home sync')] : []),
      ],
    });
  },
});
