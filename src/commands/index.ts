import { alert, alertButtons } from './alert.js';
import { audit } from './audit.js';
import { balance } from './balance.js';
import type { AnyCommand } from './command.js';
import { digest } from './digest.js';
import type { ButtonHandlers } from './dispatch.js';
import { estimate } from './estimate.js';
import { explain } from './explain.js';
import { help } from './help.js';
import { home } from './home.js';
import { keyButtons } from './keys/actions.js';
import { keys } from './keys/command.js';
import { reconcile } from './reconcile.js';
import { request } from './request.js';
import { topup } from './topup.js';
import { usage } from './usage.js';

/** Every command, in help order. Explicit on purpose: no directory discovery. */
export const commands: readonly AnyCommand[] = [
  balance,
  usage,
  request,
  explain,
  digest,
  alert,
  keys,
  topup,
  estimate,
  reconcile,
  audit,
  home,
  help,
];

/** Buttons other than Share and Refresh. */
export const buttons: ButtonHandlers = { ...alertButtons, ...keyButtons };
