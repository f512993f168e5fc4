/**
 * The key-action buttons (Disable key / Enable key, Set limit…, Snooze) and what pressing them and
 * the confirmation's Confirm / Approve / Cancel does. `keyActionButtons` is also what a runaway alert shows.
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
import type { ReplyButton } from '../../core/reply.js';
import type { ButtonHandlers } from '../dispatch.js';
import { cancelAction, decideAction, requestAction, snoozeKey, suggestLimit } from './actions.js';

/** Disable key (or Enable key when it is disabled), Set limit…, Snooze: each valued with the key's hash. */
export function keyActionButtons(key: { hash: string; disabled: boolean }): ReplyButton[] {
  return [
    key.disabled ? button(KEY_ENABLE, key.hash) : button(KEY_DISABLE, key.hash),
    button(KEY_LIMIT, key.hash),
    button(KEY_SNOOZE, key.hash),
  ];
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
