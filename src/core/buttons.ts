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
}

/** Declares a button; the `const` parameter keeps the literal action id. */
export function defineButton<const A extends string>(spec: ButtonSpec<A>): ButtonSpec<A> {
  return spec;
}

export const SHARE = defineButton({ action: 'share', label: 'Share in channel', kind: 'share', style: 'primary' });
export const REFRESH = defineButton({ action: 'refresh', label: 'Refresh', kind: 'refresh', style: 'secondary' });
export const ALERT_ACK = defineButton({ action: 'alert-ack', label: 'Acknowledge', kind: 'press', style: 'primary' });
export const ALERT_SNOOZE = defineButton({
  action: 'alert-snooze',
  label: 'Snooze 24 h',
  kind: 'press',
  style: 'secondary',
});

/** On the Slack App Home, for admins: `home sync` (a sync from OpenRouter, then the overview again). */
export const HOME_SYNC = defineButton({ action: 'home-sync', label: 'Sync now', kind: 'refresh', style: 'secondary' });

/** Every button the bot shows. */
export const BUTTONS = [SHARE, REFRESH, HOME_SYNC, ALERT_ACK, ALERT_SNOOZE] as const;

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
