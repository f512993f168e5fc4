/**
 * A command is declared once, as data: its options drive the Slack/console text grammar, the
 * Discord `/credits` subcommand JSON and the help text, and give the handler typed arguments.
 * @module
 */
import type { Reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';

export type OptionKind = 'string' | 'integer' | 'number' | 'choice' | 'text';

export interface OptionSpec {
  kind: OptionKind;
  description: string;
  required?: boolean;
  /** For `choice`: the accepted values (case-insensitive in text, exact on Discord). */
  choices?: readonly string[];
  /** Text aliases of choices, e.g. `{ mon: 'monday' }`. */
  aliases?: Readonly<Record<string, string>>;
  min?: number;
  max?: number;
  maxLength?: number;
  /** In text, the option is introduced by this word: `usage 7d by key`. */
  keyword?: string;
  /** In text, a positional token is taken by this option only if it matches. */
  pattern?: RegExp;
  /** Discord autocomplete source. */
  autocomplete?: 'model' | 'timezone';
}

type ValueOf<S extends OptionSpec> = S['kind'] extends 'integer' | 'number'
  ? number
  : S extends { choices: readonly (infer C)[] }
    ? C
    : string;
type RequiredKeys<O> = { [K in keyof O]: O[K] extends { required: true } ? K : never }[keyof O];
type OptionalKeys<O> = Exclude<keyof O, RequiredKeys<O>>;

/** The handler's typed arguments, inferred from the option declarations. */
export type ArgsOf<O extends Record<string, OptionSpec>> = { [K in RequiredKeys<O>]: ValueOf<O[K]> } & {
  [K in OptionalKeys<O>]?: ValueOf<O[K]>;
};

export interface Context<A> {
  args: A;
  actor: Actor;
  services: Services;
  /** The text that ran this command, for Refresh buttons. */
  commandText: string;
  /** Every command the bot knows (for help). */
  commands: readonly AnyCommand[];
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  /** One line for help and Discord's description (≤ 100 chars). */
  summary: string;
  /** The text grammar, e.g. `usage [period] [by model|key|provider]`. */
  usage: string;
  examples: readonly string[];
  options: O;
  /** Whether these arguments change settings (admins only). */
  admin?: (args: ArgsOf<O>) => boolean;
  /** Reads the audit log: the rows of commands answered just before are written first. */
  readsAuditLog?: boolean;
  run(ctx: Context<ArgsOf<O>>): Promise<Reply>;
}

/** A command with its option types erased, for lists. */
export type AnyCommand = CommandSpec<Record<string, OptionSpec>>;

/** Declares a command; the `const` parameter keeps literal choice types for `ArgsOf`. */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): AnyCommand {
  return spec as unknown as AnyCommand;
}
