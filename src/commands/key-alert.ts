/**
 * `alert key <name|all> <percent>` and `alert runaway [factor]`: the key rules of a channel, their
 * rows in `alert list`, and what Acknowledge / Snooze do on a key alert.
 * @module
 */

import { type Reply, reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';
import {
  acknowledgeKeyRule,
  type KeyAlertRule,
  keyRuleById,
  setKeyRuleSnooze,
  upsertKeyRule,
} from '../db/queries/key-alerts.js';
import { listKeys, type StoredKey } from '../db/queries/keys.js';
import { parseKeyAlertButtonValue } from '../digest/key-alert-message.js';
import { formatUsd } from '../domain/money.js';
import { formatUtcMinute } from '../domain/time.js';
import { UserError } from '../errors.js';
import { channelOf } from './digest.js';
import { resolveKey } from './keys/resolve.js';

/** The factor `alert runaway` uses when none is given. */
const DEFAULT_RUNAWAY_FACTOR = 5;
const SNOOZE_MS = 24 * 3_600_000;
const KEY_USAGE = 'alert key <name|all> <percent>, e.g. alert key production 80 · alert runaway [factor]';
const quote = (s: string) => (s.length > 30 ? `${s.slice(0, 30)}…` : s).replace(/[^\w .,%$×/-]/g, '?');

/** The key `text` names, resolved as `keys <name>` resolves it (keys/resolve.ts); refused with the candidates. */
export function resolveKeyName(keys: readonly StoredKey[], text: string): StoredKey {
  const r = resolveKey(keys, text);
  if (r.ok) return r.key;
  throw new UserError(r.message, KEY_USAGE);
}

function percentOf(text: string): number {
  const m = /^(\d{1,3}(?:\.\d+)?)\s*%?$/.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n > 0 && n <= 100)) {
    throw new UserError(`"${quote(text)}" is not a share of the key's limit: give a percent from 1 to 100.`, KEY_USAGE);
  }
  return n;
}

/** `alert key <name|all> <percent>`. */
export async function setKeyBudgetRule(services: Services, actor: Actor, value: string | undefined): Promise<Reply> {
  const channel = channelOf(actor, 'Alerts', KEY_USAGE);
  const words = (value ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length < 2)
    throw new UserError('`alert key` needs a key name (or all) and a percent of its limit.', KEY_USAGE);
  const percent = percentOf(words.at(-1) as string);
  const name = words.slice(0, -1).join(' ');
  const { db } = services.store.get();
  const keys = await listKeys(db);
  const key = name.toLowerCase() === 'all' ? null : resolveKeyName(keys, name);
  await upsertKeyRule(db, {
    ...channel,
    kind: 'key',
    target: key?.hash ?? 'all',
    threshold: percent,
    createdBy: `${actor.platform}:${actor.userId}`,
    now: services.now(),
  });
  const what = key ? `key ${key.name}` : 'any key';
  const noLimit = key
    ? key.limit === null
      ? `${key.name} has no limit yet: the alert starts working once it has one.`
      : `Its limit: ${formatUsd(key.limit)}${key.limitReset ? ` ${key.limitReset}` : ' (never resets)'}.`
    : `${keys.filter((k) => k.limit !== null).length} of ${keys.length} keys have a limit; keys without one are skipped.`;
  return reply({
    title: 'Key alert set',
    tone: 'good',
    summary: `This channel gets one message when ${what} has spent ${percent} % of its own limit in its reset period.`,
    notes: [noLimit, 'Checked at every credits check; re-armed when the limit resets or changes.'],
    visibility: 'public',
  });
}

/** `alert runaway [factor]`. */
export async function setRunawayRule(services: Services, actor: Actor, value: string | undefined): Promise<Reply> {
  const channel = channelOf(actor, 'Alerts', KEY_USAGE);
  const raw = (value ?? '').trim();
  const factor = raw === '' ? DEFAULT_RUNAWAY_FACTOR : Number(raw.replace(/\s*[x×]$/i, ''));
  if (!(/^\d+(?:\.\d+)?\s*[x×]?$/i.test(raw) || raw === '') || !(factor > 1 && factor <= 100)) {
    throw new UserError(
      `"${quote(raw)}" is not a factor over the normal hourly rate: give a number above 1 and at most 100, e.g. alert runaway 5.`,
      KEY_USAGE,
    );
  }
  await upsertKeyRule(services.store.get().db, {
    ...channel,
    kind: 'runaway',
    target: 'all',
    threshold: factor,
    createdBy: `${actor.platform}:${actor.userId}`,
    now: services.now(),
  });
  const floor = services.config.runawayFloorUsdPerHour;
  return reply({
    title: 'Runaway alert set',
    tone: 'good',
    summary: `This channel gets one message per episode when a key spends more than ${factor}× its normal hourly rate (its last 7 complete days) and more than ${formatUsd(floor)}/h.`,
    notes: [
      'Measured between the key readings of each credits check. A new key without history is judged by the floor alone.',
    ],
    visibility: 'public',
  });
}

/** Rows of `alert list` for the channel's key rules: [alert, state]. */
export function keyRuleRows(rules: readonly KeyAlertRule[], keys: readonly StoredKey[], now: Date): string[][] {
  const names = new Map(keys.map((k) => [k.hash, k.name]));
  return rules.map((r) => [
    r.kind === 'runaway'
      ? `runaway keys: over ${r.threshold}× the normal hourly rate`
      : `key ${r.target === 'all' ? 'any key' : (names.get(r.target) ?? `${r.target.slice(0, 8)} (deleted)`)} at ${r.threshold} % of its limit`,
    r.snoozedUntil && r.snoozedUntil > now ? `snoozed until ${formatUtcMinute(r.snoozedUntil)}` : 'armed per key',
  ]);
}

async function keyRuleOf(services: Services, actor: Actor, value: string): Promise<KeyAlertRule | null> {
  const parsed = parseKeyAlertButtonValue(value);
  if (!parsed) return null;
  const rule = await keyRuleById(services.store.get().db, parsed.ruleId);
  if (!rule || rule.platform !== actor.platform || rule.workspaceId !== actor.workspaceId) {
    throw new UserError('That alert no longer exists (it was turned off or replaced).');
  }
  return rule;
}

const who = (actor: Actor) => actor.displayName ?? actor.userId;
const describe = (r: KeyAlertRule) =>
  r.kind === 'runaway' ? `runaway keys over ${r.threshold}×` : `key budget at ${r.threshold} %`;

/** Acknowledge on a key alert; null when the value is not a key alert's. */
export async function acknowledgeKeyAlert(services: Services, actor: Actor, value: string): Promise<Reply | null> {
  const rule = await keyRuleOf(services, actor, value);
  if (!rule) return null;
  await acknowledgeKeyRule(services.store.get().db, rule.id, `${actor.platform}:${actor.userId}`);
  return reply({
    title: 'Alert acknowledged',
    tone: 'good',
    summary: `${who(actor)} acknowledged the alert (${describe(rule)}).`,
    visibility: 'public',
  });
}

/** Snooze on a key alert: no new key alert of this rule for 24 hours; null when not a key alert's. */
export async function snoozeKeyAlert(services: Services, actor: Actor, value: string): Promise<Reply | null> {
  const rule = await keyRuleOf(services, actor, value);
  if (!rule) return null;
  const until = new Date(services.now().getTime() + SNOOZE_MS);
  await setKeyRuleSnooze(services.store.get().db, rule.id, until);
  return reply({
    title: 'Alert snoozed for 24 hours',
    summary: `${who(actor)} snoozed the alert (${describe(rule)}) until ${formatUtcMinute(until)}: no new message from it until then.`,
    visibility: 'public',
  });
}
