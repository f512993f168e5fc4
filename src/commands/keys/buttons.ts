/**
 * The key-action buttons (Disable key / Enable key, Set limit…, Snooze) on `keys <name>`; a runaway
 * alert shows the same. What pressing them does is `keyButtons` in actions.ts.
 * @module
 */
import { button, KEY_DISABLE, KEY_ENABLE, KEY_LIMIT, KEY_SNOOZE } from '../../core/buttons.js';
import type { ReplyButton } from '../../core/reply.js';

/** Disable key (or Enable key when it is disabled), Set limit…, Snooze: each valued with the key's hash. */
export function keyActionButtons(key: { hash: string; disabled: boolean }): ReplyButton[] {
  return [
    key.disabled ? button(KEY_ENABLE, key.hash) : button(KEY_DISABLE, key.hash),
    button(KEY_LIMIT, key.hash),
    button(KEY_SNOOZE, key.hash),
  ];
}
