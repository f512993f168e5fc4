/**
 * The command catalog: every command's declaration without its handler. `npm run build` writes it
 * next to the built code (dist/commands/catalog.json, by write-catalog.ts) so that
 * `credits-bot ask help` answers from it without loading the handlers and what they import (drizzle,
 * undici, zod, the store: about 2 s, against 0.1 s for node itself).
 * @module
 */
import { readFileSync } from 'node:fs';
import type { AnyCommand } from './command.js';
import type { HelpEntry } from './help.js';

export const CATALOG_FILE = new URL('./catalog.json', import.meta.url);

/** The declarations as plain data (a text pattern is grammar, not help, and does not survive JSON). */
export function catalogOf(commands: readonly AnyCommand[]): HelpEntry[] {
  return commands.map(({ name, summary, usage, examples, options }) => ({
    name,
    summary,
    usage,
    examples: [...examples],
    options: Object.fromEntries(
      Object.entries(options).map(([key, { pattern: _pattern, ...spec }]) => [key, spec]),
    ) as HelpEntry['options'],
  }));
}

/** The built catalog; undefined when running from source (no build) or when it cannot be read. */
export function readCatalog(): HelpEntry[] | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(CATALOG_FILE, 'utf8'));
    return Array.isArray(parsed) ? (parsed as HelpEntry[]) : undefined;
  } catch {
    return undefined;
  }
}
