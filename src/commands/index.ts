import type { AnyCommand } from './command.js';
import { help } from './help.js';

/** Every command, in help order. Explicit on purpose: no directory discovery. */
export const commands: readonly AnyCommand[] = [help];
