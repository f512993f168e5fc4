/**
 * `alert below <usd> | runway <days> | spike [factor] | list | off [kind]`: balance alerts for a
 * channel, and the Acknowledge / Snooze 24 h buttons of a fired alert. Changing rules needs an admin.
 * @module
 */
import { ALERT_ACK, ALERT_SNOOZE } from '../core/buttons.js';
import { type Reply, reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';
import {
  acknowledge,
  deleteRules,
  listRules,
  ruleById,
  setSnooze,
  transitionRule,
  upsertRule,
} from '../db/queries/alerts.js';
import { deleteKeyRules, listKeyRules } from '../db/queries/key-alerts.js';
import { listKeys } from '../db/queries/keys.js';
import { ALERT_KINDS, type AlertKind } from '../db/schema.js';
import { KEY_ALERT_KINDS, type KeyAlertKind } from '../db/schema-keyalerts.js';
import { describeRule, parseAlertButtonValue } from '../digest/alert-message.js';
import { DEFAULT_SPIKE_FACTOR, parseAlertThreshold } from '../domain/alert-rules.js';
import { formatUsd } from '../domain/money.js';
import { formatUtcMinute } from '../domain/time.js';
import { UserError } from '../errors.js';
import { defineCommand } from './command.js';
import { channelOf } from './digest.js';
import type { ButtonHandler, ButtonHandlers } from './dispatch.js';
import { acknowledgeKeyAlert, keyRuleRows, setKeyBudgetRule, setRunawayRule, snoozeKeyAlert } from './key-alert.js';

const USAGE =
  'alert below <usd> | alert runway <days> | alert spike [factor] | alert key <name|all> <percent> | alert runaway [factor] | alert list | alert off [below|runway|spike|key|runaway]';
const ACTIONS = ['below', 'runway', 'spike', 'key', 'runaway', 'list', 'off'] as const;
const OFF_KINDS = [...ALERT_KINDS, ...KEY_ALERT_KINDS] as const;
const SNOOZE_MS = 24 * 3_600_000;

const NEEDS: Record<AlertKind, string> = {
  below: 'a balance in USD, e.g. alert below 50',
  runway: 'a number of days, e.g. alert runway 14',
  spike: 'a factor over the 7-day average, e.g. alert spike 3',
};

/** The threshold after `alert <kind>`, read by the one rule (`parseAlertThreshold`): `25 USD`, `14d`, `2.5x`. */
function threshold(kind: AlertKind, value: string | undefined): number {
  if (value === undefined || value.trim() === '') {
    if (kind === 'spike') return DEFAULT_SPIKE_FACTOR;
    throw new UserError(`\`alert ${kind}\` needs ${NEEDS[kind]}.`, USAGE);
  }
  const parsed = parseAlertThreshold(kind, value);
  if (!parsed.ok) throw new UserError(parsed.reason, USAGE);
  return parsed.value;
}

async function setRule(services: Services, actor: Actor, kind: AlertKind, value: string | undefined): Promise<Reply> {
  const channel = channelOf(actor, 'Alerts', USAGE);
  const t = threshold(kind, value);
  await upsertRule(services.store.get().db, {
    ...channel,
    kind,
    threshold: t,
    createdBy: `${actor.platform}:${actor.userId}`,
    now: services.now(),
  });
  // Slack: membership lets the bot check the history before a resend.
  const access = (await actor.joinChannel?.()) ?? { ok: true };
  return reply({
    title: 'Alert set',
    tone: 'good',
    summary: `This channel gets an alert when the ${describeRule(kind, t)}.`,
    notes: [
      'Checked after every balance reading; one message per crossing, re-armed once the condition clears. Replaces this channel’s earlier alert of the same kind.',
      ...(access.ok ? [] : [access.advice]),
    ],
    visibility: 'public',
  });
}

async function list(services: Services, actor: Actor): Promise<Reply> {
  const channel = channelOf(actor, 'Alerts', USAGE);
  const { db } = services.store.get();
  const [rules, keyRules] = await Promise.all([listRules(db, channel), listKeyRules(db, channel)]);
  if (rules.length === 0 && keyRules.length === 0) {
    return reply({
      title: 'Alerts',
      summary:
        'No alerts in this channel. Set one with `alert below <usd>`, `alert runway <days>`, `alert spike [factor]`, `alert key <name|all> <percent>` or `alert runaway [factor]`.',
    });
  }
  const now = services.now();
  return reply({
    title: 'Alerts in this channel',
    tables: [
      {
        columns: ['Alert', 'State', 'Last value'],
        rows: rules.map((r) => [
          describeRule(r.kind, r.threshold),
          r.snoozedUntil && r.snoozedUntil > now
            ? `snoozed until ${formatUtcMinute(r.snoozedUntil)}`
            : r.state === 'fired'
              ? `fired${r.acknowledgedBy ? ', acknowledged' : ''}`
              : 'armed',
          r.lastValue === null ? '—' : r.kind === 'below' ? formatUsd(r.lastValue) : r.lastValue.toFixed(1),
        ]),
        ...keyRuleRows(keyRules, keyRules.length > 0 ? await listKeys(db, { includeDeleted: true }) : [], now).map(
          ([what, state]) => [what ?? '', state ?? '', '—'],
        ),
      },
    ],
  });
}

/** `alert …`: balance alerts for this channel. */
export const alert = defineCommand({
  name: 'alert',
  summary: 'Alerts for this channel: below, runway, spike, key budgets, runaway keys, list, off',
  usage: USAGE,
  examples: [
    'alert below 50',
    'alert runway 14',
    'alert spike 3',
    'alert key production 80',
    'alert runaway 5',
    'alert list',
    'alert off spike',
  ],
  options: {
    action: { kind: 'choice', description: 'What to do', choices: ACTIONS, required: true },
    value: {
      kind: 'text',
      description: 'USD (below 50), days (runway 14), factor (spike 3, runaway 5) or key and % (key prod 80)',
      maxLength: 40,
    },
    kind: { kind: 'choice', description: 'For off: which alert (default all)', choices: OFF_KINDS },
  },
  admin: (args) => args.action !== 'list',
  async run({ args, actor, services }) {
    switch (args.action) {
      case 'below':
      case 'runway':
      case 'spike':
        return setRule(services, actor, args.action, args.value);
      case 'key':
        return setKeyBudgetRule(services, actor, args.value);
      case 'runaway':
        return setRunawayRule(services, actor, args.value);
      case 'list':
        return list(services, actor);
      case 'off': {
        const { db } = services.store.get();
        const channel = channelOf(actor, 'Alerts', USAGE);
        const kind = args.kind;
        const isKeyKind = (k: string): k is KeyAlertKind => (KEY_ALERT_KINDS as readonly string[]).includes(k);
        const gone =
          (kind === undefined || !isKeyKind(kind) ? await deleteRules(db, channel, kind) : 0) +
          (kind === undefined || isKeyKind(kind) ? await deleteKeyRules(db, channel, kind) : 0);
        return reply({
          title: 'Alerts',
          tone: gone > 0 ? 'good' : 'neutral',
          summary:
            gone > 0
              ? `Turned off ${gone} alert${gone === 1 ? '' : 's'}${args.kind ? ` (${args.kind})` : ''} in this channel.`
              : `This channel had no ${args.kind ? `${args.kind} ` : ''}alert.`,
          visibility: gone > 0 ? 'public' : 'ephemeral',
        });
      }
    }
  },
});

async function buttonRule(services: Services, actor: Actor, value: string) {
  const parsed = parseAlertButtonValue(value);
  const rule = parsed ? await ruleById(services.store.get().db, parsed.ruleId) : null;
  if (!rule || rule.platform !== actor.platform || rule.workspaceId !== actor.workspaceId) {
    throw new UserError('That alert no longer exists (it was turned off or replaced).');
  }
  return rule;
}

const who = (actor: Actor) => actor.displayName ?? actor.userId;

/** Acknowledge: recorded on the rule; no change to when it fires again (after the condition clears). */
const acknowledgeAlert: ButtonHandler = async ({ value, actor, services }) => {
  const keyAlert = await acknowledgeKeyAlert(services, actor, value);
  if (keyAlert) return keyAlert;
  const rule = await buttonRule(services, actor, value);
  const now = services.now();
  await acknowledge(services.store.get().db, rule.id, `${actor.platform}:${actor.userId}`, now);
  return reply({
    title: 'Alert acknowledged',
    tone: 'good',
    summary: `${who(actor)} acknowledged the alert (${describeRule(rule.kind, rule.threshold)}). It fires again only after the condition clears and recurs.`,
    visibility: 'public',
  });
};

/** Snooze: nothing is posted for 24 hours; if the condition still holds then, it fires once more. */
const snoozeAlert: ButtonHandler = async ({ value, actor, services }) => {
  const keyAlert = await snoozeKeyAlert(services, actor, value);
  if (keyAlert) return keyAlert;
  const rule = await buttonRule(services, actor, value);
  const db = services.store.get().db;
  const until = new Date(services.now().getTime() + SNOOZE_MS);
  await setSnooze(db, rule.id, until);
  await transitionRule(db, rule.id, 'fired', 'armed');
  return reply({
    title: 'Alert snoozed for 24 hours',
    summary: `${who(actor)} snoozed the alert (${describeRule(rule.kind, rule.threshold)}) until ${formatUtcMinute(until)}. If the condition still holds then, it fires once more.`,
    visibility: 'public',
  });
};

/** Pass to `createBot(services, commands, alertButtons)`. */
export const alertButtons: ButtonHandlers = {
  [ALERT_ACK.action]: acknowledgeAlert,
  [ALERT_SNOOZE.action]: snoozeAlert,
};
