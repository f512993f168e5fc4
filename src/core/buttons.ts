/**
 * Every button is declared once, like commands: its action id, label, style and what pressing it
 * does. The Slack action listeners and the Discord custom ids are derived from these declarations;
 * commands build buttons with `button()` (or the share/refresh helpers) instead of spelling them out.
 * @module
 */

/**
 * What pressing does: `share` copies the answer into the channel, `refresh` runs the command text
 * again in place, `press` goes to the core's button handler of that action (e.g. alert acknowledge).
 */
export type ButtonKind = 'share' | 'refresh' | 'press';

export interface ButtonSpec<A extends string = string> {
  action: A;
  label: string;
  kind: ButtonKind;
  style: 'primary' | 'secondary';
  /** Its answer replaces the message the button is on, in place (a confirmation's Confirm / Cancel). */
  inPlace?: boolean;
  /**
   * The adapter appends `@<origin>` (the public message the confirmation was asked from) to its value
   * when it shows it, and updates that message too with the answer; see `withOrigin` / `splitOrigin`.
   */
  updatesOrigin?: boolean;
  /** Pressing it takes the buttons off a public message (an alert's Acknowledge / Snooze). */
  clearsButtons?: boolean;
}

/** Declares a button; the `const` parameter keeps the literal action id. */
export function defineButton<const A extends string>(spec: ButtonSpec<A>): ButtonSpec<A> {
  return spec;
}

export const SHARE = defineButton({ action: 'share', label: 'Share in channel', kind: 'share', style: 'primary' });
export const REFRESH = defineButton({ action: 'refresh', label: 'Refresh', kind: 'refresh', style: 'secondary' });
export const ALERT_ACK = defineButton({
  action: 'alert-ack',
  label: 'Acknowledge',
  kind: 'press',
  style: 'primary',
  clearsButtons: true,
});
export const ALERT_SNOOZE = defineButton({
  action: 'alert-snooze',
  label: 'Snooze 24 h',
  kind: 'press',
  style: 'secondary',
  clearsButtons: true,
});

// Key actions (issue 13): the value is the key's hash; the answer is a confirmation step.
export const KEY_DISABLE = defineButton({
  action: 'key-disable',
  label: 'Disable key',
  kind: 'press',
  style: 'primary',
});
export const KEY_ENABLE = defineButton({ action: 'key-enable', label: 'Enable key', kind: 'press', style: 'primary' });
export const KEY_LIMIT = defineButton({ action: 'key-limit', label: 'Set limit…', kind: 'press', style: 'secondary' });
export const KEY_SNOOZE = defineButton({ action: 'key-snooze', label: 'Snooze', kind: 'press', style: 'secondary' });
// The confirmation step's buttons: the value is the pending key action's id.
export const KEY_CONFIRM = defineButton({
  action: 'key-confirm',
  label: 'Confirm',
  kind: 'press',
  style: 'primary',
  inPlace: true,
  updatesOrigin: true,
});
export const KEY_APPROVE = defineButton({
  action: 'key-approve',
  label: 'Approve',
  kind: 'press',
  style: 'primary',
  inPlace: true,
  updatesOrigin: true,
});
export const KEY_CANCEL = defineButton({
  action: 'key-cancel',
  label: 'Cancel',
  kind: 'press',
  style: 'secondary',
  inPlace: true,
});

/** On the Slack App Home, for admins: `home sync` (a sync from OpenRouter, then the overview again). */
export const HOME_SYNC = defineButton({ action: 'home-sync', label: 'Sync now', kind: 'refresh', style: 'secondary' });

/** Every button the bot shows. */
export const BUTTONS = [
  SHARE,
  REFRESH,
  ALERT_ACK,
  ALERT_SNOOZE,
  KEY_DISABLE,
  KEY_ENABLE,
  KEY_LIMIT,
  KEY_SNOOZE,
  KEY_CONFIRM,
  KEY_APPROVE,
  KEY_CANCEL,
  HOME_SYNC,
] as const;

export type ButtonAction = (typeof BUTTONS)[number]['action'];

/** The buttons whose press goes to a core handler (`Bot.pressButton`). */
export const PRESS_BUTTONS: readonly ButtonSpec<ButtonAction>[] = BUTTONS.filter((b) => b.kind === 'press');

/** The declaration of an action id, if the bot has one. */
export function buttonSpec(action: string): ButtonSpec<ButtonAction> | undefined {
  return BUTTONS.find((b) => b.action === action);
}

/** A button on a reply; `value` comes back when it is pressed. */
export function button<A extends ButtonAction>(
  spec: ButtonSpec<A>,
  value: string,
): { action: A; label: string; value: string } {
  return { action: spec.action, label: spec.label, value };
}

/** "Share in channel" for the answer to `commandText`. */
export const shareButton = (commandText: string) => button(SHARE, commandText);

/** "Refresh": run `commandText` again. */
export const refreshButton = (commandText: string) => button(REFRESH, commandText);

const ORIGIN_MARK = '@';

/**
 * The reply with `@<origin>` appended to the value of each button that `updatesOrigin`: the adapter
 * names the public message a confirmation was asked from, so the final answer can update it too.
 */
export function withOrigin<R extends { buttons?: readonly { action: ButtonAction; value: string }[] }>(
  reply: R,
  origin: string | undefined,
): R {
  if (!origin || !reply.buttons) return reply;
  return {
    ...reply,
    buttons: reply.buttons.map((b) =>
      buttonSpec(b.action)?.updatesOrigin ? { ...b, value: `${b.value}${ORIGIN_MARK}${origin}` } : b,
    ),
  };
}

/** A pressed value split into what the core gets and the origin the adapter appended (if any). */
export function splitOrigin(action: string, value: string): { value: string; origin?: string } {
  const at = value.indexOf(ORIGIN_MARK);
  if (!buttonSpec(action)?.updatesOrigin || at < 0) return { value };
  return { value: value.slice(0, at), origin: value.slice(at + 1) };
}
