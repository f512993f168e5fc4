/**
 * Admin actions on a key from chat: disable, enable, limit (issue 13). Asking creates a pending
 * `key_actions` row and answers with a confirmation step (`KEY_ACTIONS=confirm`: Confirm / Cancel for
 * the admin who asked) or an approval request (`two-person`: a second admin approves). Exactly one
 * press claims the row; then one `PATCH /keys/{hash}`; the answer says who did what and when, with an
 * undo button. Every action and refusal is an audit row with the before and after (never a secret).
 * @module
 */
import {
  button,
  KEY_APPROVE,
  KEY_CANCEL,
  KEY_CONFIRM,
  KEY_DISABLE,
  KEY_ENABLE,
  KEY_LIMIT,
  KEY_SNOOZE,
} from '../../core/buttons.js';
import { type Reply, reply } from '../../core/reply.js';
import type { Actor, Services } from '../../core/services.js';
import { insertAudit } from '../../db/queries/audit.js';
import {
  claimKeyAction,
  closeKeyAction,
  createKeyAction,
  finishKeyAction,
  keyActionById,
} from '../../db/queries/key-actions.js';
import type { AuditOutcome, KeyActionRow, KeyState } from '../../db/schema.js';
import { formatUtcMinute } from '../../domain/time.js';
import { OpenRouterError, UserError } from '../../errors.js';
import type { KeyItem, KeyPatch, LimitReset } from '../../openrouter/types.js';
import { maskSecrets } from '../../secrets.js';
import type { ButtonHandlers } from '../dispatch.js';
import { keyActionButtons } from './buttons.js';
import { describeState, limitText, stateOf } from './format.js';

/** How long a confirmation or an approval request stays open. */
const PENDING_MS = 15 * 60_000;
const SNOOZE_MS = 24 * 3_600_000;

interface ActionRequest {
  action: 'disable' | 'enable' | 'limit';
  hash: string;
  /** For `limit`: USD, or `null` for no limit. */
  limit?: number | null;
  limitReset?: LimitReset;
}

const actorId = (actor: Actor) => `${actor.platform}:${actor.userId}`;
const who = (actor: Actor) => actor.displayName ?? actor.userId;
const short = (hash: string) => hash.slice(0, 8);

function verb(action: KeyActionRow['action']): string {
  return action === 'disable' ? 'disable' : action === 'enable' ? 'enable' : 'set the limit of';
}

/** The state after the action: what the PATCH will make of `before`. */
function intended(before: KeyState, r: Pick<ActionRequest, 'action' | 'limit' | 'limitReset'>): KeyState {
  if (r.action === 'disable') return { ...before, disabled: true };
  if (r.action === 'enable') return { ...before, disabled: false };
  const limit = r.limit ?? null;
  return { ...before, limit, limitReset: limit === null ? null : (r.limitReset ?? null) };
}

function patchOf(r: Pick<KeyActionRow, 'action' | 'params'>): KeyPatch {
  if (r.action === 'disable') return { disabled: true };
  if (r.action === 'enable') return { disabled: false };
  const limit = r.params?.limit ?? null;
  return { limit, limitReset: limit === null ? null : ((r.params?.limitReset ?? null) as LimitReset) };
}

/** One audit row for a key action or its refusal: what, on which key, before → after. */
async function auditAction(
  services: Services,
  actor: Actor,
  action: string,
  key: { name: string; hash: string },
  outcome: AuditOutcome,
  detail: { before?: KeyState | null; after?: KeyState | null; error?: string },
): Promise<void> {
  if (!services.store.available()) return;
  const args = [
    `keys ${action} ${key.name} (${short(key.hash)})`,
    detail.before ? `before: ${describeState(detail.before)}` : '',
    detail.after ? `after: ${describeState(detail.after)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  try {
    await insertAudit(services.store.get().db, {
      platform: actor.platform,
      workspaceId: actor.workspaceId ?? null,
      channelId: actor.channelId ?? null,
      userId: actor.userId,
      command: `keys ${action}`,
      args: maskSecrets(args).slice(0, 1000),
      outcome,
      latencyMs: 0,
      error: detail.error ? maskSecrets(detail.error).slice(0, 1000) : null,
    });
  } catch (error) {
    services.log.error({ err: error }, 'could not write the key action audit row');
  }
}

/** A refusal: audited, then answered privately by the dispatcher. */
async function refuse(
  services: Services,
  actor: Actor,
  action: string,
  key: { name: string; hash: string },
  message: string,
  before?: KeyState,
): Promise<never> {
  await auditAction(services, actor, action, key, 'denied', { ...(before ? { before } : {}), error: message });
  throw new UserError(message);
}

/** The key as OpenRouter has it now; a clear answer when it is gone. */
async function freshKey(services: Services, hash: string): Promise<KeyItem> {
  try {
    return await services.openrouter.getKey(hash, { fresh: true });
  } catch (error) {
    if (error instanceof OpenRouterError && error.status === 404) {
      throw new UserError('That key no longer exists on OpenRouter (it was deleted). `keys` lists the current ones.');
    }
    throw error;
  }
}

/** Asks for a change: a confirmation step (or an approval request) and a pending row; nothing changes yet. */
export async function requestAction(services: Services, actor: Actor, r: ActionRequest): Promise<Reply> {
  const mode = services.config.keyActions;
  const key = await freshKey(services, r.hash);
  const before = stateOf(key);
  if (mode === 'off') {
    return refuse(
      services,
      actor,
      r.action,
      key,
      'Key actions from chat are turned off here (KEY_ACTIONS=off). Change keys on https://openrouter.ai/settings/keys.',
      before,
    );
  }
  const after = intended(before, r);
  if (describeState(after) === describeState(before)) {
    throw new UserError(`Key ${key.name} is already ${describeState(before)}; nothing to change.`);
  }
  const now = services.now();
  const row = await createKeyAction(services.store.get().db, {
    action: r.action,
    keyHash: key.hash,
    keyName: key.name,
    params: r.action === 'limit' ? { limit: r.limit ?? null, limitReset: r.limitReset ?? null } : null,
    status: 'pending',
    mode,
    requestedBy: actorId(actor),
    requestedAt: now,
    expiresAt: new Date(now.getTime() + PENDING_MS),
    before,
  });
  const id = String(row.id);
  const fields = [
    { label: 'Now', value: describeState(before), inline: true },
    { label: 'After', value: describeState(after), inline: true },
  ];
  const consequence =
    r.action === 'disable' ? ' Everything using it gets 401 from OpenRouter until it is enabled again.' : '';
  if (mode === 'two-person') {
    return reply({
      title: `Approval needed: ${verb(r.action)} key ${key.name}`,
      tone: 'warning',
      summary: `${who(actor)} asks to ${verb(r.action)} key ${key.name} (${short(key.hash)}).${consequence} A second admin must approve before anything changes.`,
      fields,
      notes: [
        `Open until ${formatUtcMinute(row.expiresAt)}. The admin who asked cannot approve it. Or type \`keys approve ${id}\` / \`keys cancel ${id}\`.`,
      ],
      visibility: 'public',
      buttons: [button(KEY_APPROVE, id), button(KEY_CANCEL, id)],
    });
  }
  return reply({
    title: `Confirm: ${verb(r.action)} key ${key.name}?`,
    tone: 'warning',
    summary: `This will ${verb(r.action)} key ${key.name} (${short(key.hash)}) on OpenRouter.${consequence}`,
    fields,
    notes: [
      `Nothing changes until you confirm; this lapses at ${formatUtcMinute(row.expiresAt)}. Or type \`keys confirm ${id}\` / \`keys cancel ${id}\`.`,
    ],
    buttons: [button(KEY_CONFIRM, id), button(KEY_CANCEL, id)],
  });
}

async function pendingRow(services: Services, value: string): Promise<KeyActionRow> {
  const id = Number(value);
  const row = Number.isSafeInteger(id) && id > 0 ? await keyActionById(services.store.get().db, id) : null;
  if (!row) throw new UserError('That key action no longer exists; nothing changed.');
  if (row.status !== 'pending') {
    const what = row.status === 'running' ? 'being carried out' : row.status;
    throw new UserError(`That request to ${verb(row.action)} key ${row.keyName} is already ${what}.`);
  }
  const now = services.now();
  if (row.expiresAt <= now) {
    await closeKeyAction(services.store.get().db, row.id, 'expired', null, now);
    throw new UserError(`That request to ${verb(row.action)} key ${row.keyName} lapsed; nothing changed. Ask again.`);
  }
  return row;
}

/** Confirm (the admin who asked) or Approve (a second admin): claims the row, then one PATCH. */
export async function decideAction(
  services: Services,
  actor: Actor,
  value: string,
  how: 'confirm' | 'approve',
): Promise<Reply> {
  const row = await pendingRow(services, value);
  const key = { name: row.keyName, hash: row.keyHash };
  const mine = row.requestedBy === actorId(actor);
  if (services.config.keyActions === 'off') {
    await refuse(services, actor, row.action, key, 'Key actions from chat are turned off here (KEY_ACTIONS=off).');
  }
  // The stricter of the mode it was asked under and the mode now.
  const twoPerson = row.mode === 'two-person' || services.config.keyActions === 'two-person';
  if (twoPerson && mine) {
    await refuse(
      services,
      actor,
      row.action,
      key,
      'This needs a second admin: you asked for it, so someone else must approve.',
    );
  }
  if (!twoPerson && !mine) {
    await refuse(services, actor, row.action, key, `Only the admin who asked can ${how} this.`);
  }
  const db = services.store.get().db;
  const now = services.now();
  const claimed = await claimKeyAction(db, row.id, now);
  if (!claimed) throw new UserError(`That request to ${verb(row.action)} key ${row.keyName} was already handled.`);
  // The state read when the change was asked for (at most PENDING_MS ago): the PATCH is the only call here.
  const before: KeyState | null = claimed.before;
  let updated: KeyItem;
  try {
    updated = await services.openrouter.updateKey(row.keyHash, patchOf(row));
  } catch (error) {
    const reason = error instanceof OpenRouterError ? error.message : 'the call failed';
    await finishKeyAction(db, row.id, {
      status: 'failed',
      decidedBy: actorId(actor),
      decidedAt: now,
      before,
      after: null,
      error: reason,
    });
    await auditAction(services, actor, row.action, key, 'error', { before, error: reason });
    if (error instanceof OpenRouterError && error.status === 0) {
      // No answer: the change may or may not have been made; say so rather than claim either.
      throw new UserError(
        `OpenRouter did not answer the request to ${verb(row.action)} key ${row.keyName} (${maskSecrets(reason)}). Check \`keys ${row.keyName}\` before asking again.`,
      );
    }
    throw new UserError(
      `OpenRouter did not ${verb(row.action)} key ${row.keyName} (${maskSecrets(reason)}). Nothing changed.`,
    );
  }
  const after = stateOf(updated);
  await finishKeyAction(db, row.id, { status: 'done', decidedBy: actorId(actor), decidedAt: now, before, after });
  await auditAction(services, actor, row.action, key, 'ok', { before, after });
  const done =
    row.action === 'disable'
      ? 'disabled'
      : row.action === 'enable'
        ? 'enabled'
        : `limited to ${limitText(after.limit, after.limitReset)}`;
  const undo =
    row.action === 'disable'
      ? [button(KEY_ENABLE, row.keyHash)]
      : row.action === 'enable'
        ? [button(KEY_DISABLE, row.keyHash)]
        : keyActionButtons(updated);
  return reply({
    title: `Key ${row.keyName} ${row.action === 'limit' ? 'limit changed' : done}`,
    tone: row.action === 'disable' ? 'warning' : 'good',
    summary: `${who(actor)} ${row.action === 'limit' ? `set the limit of key ${row.keyName} to ${limitText(after.limit, after.limitReset)}` : `${done} key ${row.keyName}`} at ${formatUtcMinute(now)}.`,
    fields: [
      { label: 'Before', value: before ? describeState(before) : '—', inline: true },
      { label: 'After', value: describeState(after), inline: true },
      ...(row.mode === 'two-person'
        ? [{ label: 'Asked by', value: row.requestedBy.replace(/^[a-z]+:/, ''), inline: true }]
        : []),
    ],
    notes: row.action === 'disable' ? ['Undo with Enable key.'] : [],
    visibility: 'public',
    buttons: undo,
  });
}

/** Cancel: the pending request ends; nothing changes. */
export async function cancelAction(services: Services, actor: Actor, value: string): Promise<Reply> {
  const row = await pendingRow(services, value);
  const closed = await closeKeyAction(services.store.get().db, row.id, 'cancelled', actorId(actor), services.now());
  if (!closed) throw new UserError(`That request to ${verb(row.action)} key ${row.keyName} was already handled.`);
  await auditAction(services, actor, `${row.action} cancelled`, { name: row.keyName, hash: row.keyHash }, 'ok', {});
  return reply({
    title: 'Cancelled',
    summary: `${who(actor)} cancelled the request to ${verb(row.action)} key ${row.keyName}; nothing changed.`,
    visibility: row.mode === 'two-person' ? 'public' : 'ephemeral',
  });
}

/** Set limit…: the text form to type (a number cannot be asked for with a button). */
export async function suggestLimit(services: Services, hash: string): Promise<Reply> {
  const key = await freshKey(services, hash);
  return reply({
    title: `Set a limit on key ${key.name}`,
    summary: `Now: ${describeState(stateOf(key))}. Type \`keys limit ${key.name} <usd> [daily|weekly|monthly|none]\`, e.g. \`keys limit ${key.name} 50 daily\`; \`keys limit ${key.name} none\` removes it.`,
  });
}

/** Snooze: the key's alerts stay quiet for 24 hours (read by the alert checks through `keySnoozedUntil`). */
export async function snoozeKey(services: Services, actor: Actor, hash: string): Promise<Reply> {
  const key = await freshKey(services, hash);
  const now = services.now();
  const until = new Date(now.getTime() + SNOOZE_MS);
  await createKeyAction(services.store.get().db, {
    action: 'snooze',
    keyHash: key.hash,
    keyName: key.name,
    status: 'done',
    mode: services.config.keyActions,
    requestedBy: actorId(actor),
    requestedAt: now,
    expiresAt: until,
  });
  await auditAction(services, actor, 'snooze', key, 'ok', {});
  return reply({
    title: `Alerts for key ${key.name} snoozed`,
    summary: `${who(actor)} snoozed the alerts for key ${key.name} until ${formatUtcMinute(until)}. The key itself is unchanged.`,
    visibility: 'public',
  });
}

/** Pass to `createBot` with the other button handlers. */
export const keyButtons: ButtonHandlers = {
  [KEY_DISABLE.action]: ({ value, actor, services }) =>
    requestAction(services, actor, { action: 'disable', hash: value }),
  [KEY_ENABLE.action]: ({ value, actor, services }) =>
    requestAction(services, actor, { action: 'enable', hash: value }),
  [KEY_LIMIT.action]: ({ value, services }) => suggestLimit(services, value),
  [KEY_SNOOZE.action]: ({ value, actor, services }) => snoozeKey(services, actor, value),
  [KEY_CONFIRM.action]: ({ value, actor, services }) => decideAction(services, actor, value, 'confirm'),
  [KEY_APPROVE.action]: ({ value, actor, services }) => decideAction(services, actor, value, 'approve'),
  [KEY_CANCEL.action]: ({ value, actor, services }) => cancelAction(services, actor, value),
};
