import { balance } from './balance.js';
import type { AnyCommand } from './command.js';
import { estimate } from './estimate.js';
import { explain } from './explain.js';
import { help } from './help.js';
import { request } from './request.js';
import { usage } from './usage.js';

/** Every command, in help order. Explicit on purpose: no directory discovery. */
export const commands: readonly AnyCommand[] = [balance, usage, request, explain, estimate, help];
