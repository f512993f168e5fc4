/**
 * The text grammar shared by Slack, the console and `credits-bot ask`: `"/credits <text>"` →
 * `{ command, args }`. It is derived from the command declarations; it never throws, and every
 * error says what was wrong and the right form.
 * @module
 */
import { maskSecrets } from '../secrets.js';
import type { AnyCommand, OptionSpec } from './command.js';

/** Longest input we read at all; Slack allows 4,000 characters in a slash command. */
export const MAX_INPUT_LENGTH = 4000;
const GEN_ID_START = /^gen-/i;
const WHITESPACE = /\s+/;
const NUMBER = /^[$]?(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)([kKmM])?$/;

export type ParsedArgs = Record<string, string | number>;
export type ParseResult =
  | { ok: true; command: AnyCommand; args: ParsedArgs }
  | { ok: false; message: string; usage?: string; command?: AnyCommand };

/** Shows at most `max` characters of user input, secrets masked. */
export function quote(input: string, max = 40): string {
  const masked = Array.from(maskSecrets(input), (ch) => (ch.charCodeAt(0) < 32 || ch === '\u007f' ? ' ' : ch)).join('');
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}

function parseNumber(token: string, spec: OptionSpec): number | null {
  const m = NUMBER.exec(token.trim());
  if (!m?.[1]) return null;
  let value = Number(m[1].replaceAll(',', ''));
  const suffix = m[2]?.toLowerCase();
  if (suffix === 'k') value *= 1_000;
  if (suffix === 'm') value *= 1_000_000;
  if (!Number.isFinite(value)) return null;
  if (spec.kind === 'integer' && !Number.isInteger(value)) return null;
  return value;
}

function normaliseChoice(token: string, spec: OptionSpec): string | null {
  const lower = token.toLowerCase();
  const aliased = spec.aliases?.[lower] ?? lower;
  return spec.choices?.includes(aliased) ? aliased : null;
}

/** Converts one raw value for an option, or returns an error message. */
function coerceOption(name: string, spec: OptionSpec, raw: string | number): string | number | { error: string } {
  if (spec.kind === 'integer' || spec.kind === 'number') {
    const value = typeof raw === 'number' ? raw : parseNumber(raw, spec);
    if (value === null || !Number.isFinite(value) || (spec.kind === 'integer' && !Number.isInteger(value))) {
      return {
        error: `"${quote(String(raw))}" is not a valid ${spec.kind === 'integer' ? 'whole number' : 'number'} for ${name}`,
      };
    }
    if (spec.min !== undefined && value < spec.min)
      return { error: `${name} must be at least ${spec.min.toLocaleString('en-US')}` };
    if (spec.max !== undefined && value > spec.max)
      return { error: `${name} must be at most ${spec.max.toLocaleString('en-US')}` };
    return value;
  }
  const text = String(raw);
  if (spec.kind === 'choice') {
    const choice = normaliseChoice(text, spec);
    return choice ?? { error: `"${quote(text)}" is not a valid ${name}; choose one of ${spec.choices?.join(', ')}` };
  }
  if (spec.maxLength !== undefined && text.length > spec.maxLength) {
    return {
      error: `${name} is too long (${text.length.toLocaleString('en-US')} characters; at most ${spec.maxLength.toLocaleString('en-US')})`,
    };
  }
  if (spec.kind === 'string' && spec.pattern && !spec.pattern.test(text)) {
    return { error: `"${quote(text)}" is not a valid ${name}` };
  }
  return text;
}

function accepts(spec: OptionSpec, token: string): boolean {
  switch (spec.kind) {
    case 'choice':
      return normaliseChoice(token, spec) !== null;
    case 'integer':
    case 'number':
      return parseNumber(token, spec) !== null;
    case 'string':
      return spec.pattern ? spec.pattern.test(token) : true;
    case 'text':
      return true;
  }
}

/** Checks typed arguments (Discord options, or the parser's output) against the declaration. */
export function validateArgs(
  command: AnyCommand,
  raw: Record<string, string | number | boolean | undefined | null>,
): { ok: true; args: ParsedArgs } | { ok: false; message: string; usage: string } {
  const args: ParsedArgs = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = raw[name];
    if (value === undefined || value === null || value === '') {
      if (spec.required) return { ok: false, message: `Missing ${name}: ${spec.description}`, usage: command.usage };
      continue;
    }
    const coerced = coerceOption(name, spec, typeof value === 'boolean' ? String(value) : value);
    if (typeof coerced === 'object') return { ok: false, message: coerced.error, usage: command.usage };
    args[name] = coerced;
  }
  return { ok: true, args };
}

function findCommand(word: string, commands: readonly AnyCommand[]): AnyCommand | undefined {
  const lower = word.toLowerCase();
  return commands.find((c) => c.name === lower);
}

function suggest(word: string, commands: readonly AnyCommand[]): string {
  const lower = word.toLowerCase();
  const close = commands.find((c) => c.name.startsWith(lower.slice(0, 3)) || lower.startsWith(c.name));
  return close ? ` Did you mean \`${close.name}\`?` : '';
}

/**
 * Parses the text after `/credits`. Empty text is `balance`; a bare `gen-…` id is `request <id>`.
 * @example parseCommandText('usage 30d by key', commands) // { ok: true, command: usage, args: { period: '30d', by: 'key' } }
 */
export function parseCommandText(input: string, commands: readonly AnyCommand[]): ParseResult {
  if (input.length > MAX_INPUT_LENGTH) {
    return {
      ok: false,
      message: `That is too long (${input.length.toLocaleString('en-US')} characters; at most ${MAX_INPUT_LENGTH.toLocaleString('en-US')}).`,
      usage: 'help',
    };
  }
  const text = input.trim();
  const first = text.split(WHITESPACE, 1)[0] ?? '';
  let command: AnyCommand | undefined;
  let rest: string;
  if (text === '') {
    command = findCommand('balance', commands);
    rest = '';
  } else if (GEN_ID_START.test(first) && findCommand('request', commands)) {
    command = findCommand('request', commands);
    rest = text;
  } else {
    command = findCommand(first, commands);
    rest = text.slice(first.length).trim();
  }
  if (!command) {
    return {
      ok: false,
      message: `I don't know the command "${quote(first)}".${suggest(first, commands)} Type \`help\` for the list.`,
      usage: 'help',
    };
  }

  const raw: Record<string, string> = {};
  const entries = Object.entries(command.options);
  const textOption = entries.find(([, spec]) => spec.kind === 'text');
  let remaining = rest;
  while (remaining.length > 0) {
    const token = remaining.split(WHITESPACE, 1)[0] ?? '';
    const afterToken = remaining.slice(token.length).trim();
    const keyworded = entries.find(([name, spec]) => spec.keyword === token.toLowerCase() && raw[name] === undefined);
    if (keyworded) {
      const [name] = keyworded;
      const value = afterToken.split(WHITESPACE, 1)[0] ?? '';
      if (!value) return { ok: false, message: `"${token}" needs a value after it.`, usage: command.usage, command };
      raw[name] = value;
      remaining = afterToken.slice(value.length).trim();
      continue;
    }
    const positional = entries.find(
      ([name, spec]) => raw[name] === undefined && spec.kind !== 'text' && accepts(spec, token),
    );
    if (positional) {
      raw[positional[0]] = token;
      remaining = afterToken;
      continue;
    }
    if (textOption && raw[textOption[0]] === undefined) {
      raw[textOption[0]] = remaining;
      break;
    }
    return {
      ok: false,
      message: `I didn't understand "${quote(token)}" in \`${command.name}\`.`,
      usage: command.usage,
      command,
    };
  }
  const validated = validateArgs(command, raw);
  if (!validated.ok) return { ok: false, message: validated.message, usage: validated.usage, command };
  return { ok: true, command, args: validated.args };
}
