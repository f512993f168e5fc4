/**
 * A command is declared once, as data: its options drive the Slack/console text grammar, the
 * Discord `/credits` subcommand JSON and the help text, and give the handler typed arguments.
 * @module
 */
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OpenRouterClient } from '../openrouter/types.js';
import type { Reply } from './reply.js';

export type Platform = 'slack' | 'discord' | 'console';

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

/** Who is asking, and where. */
export interface Actor {
  platform: Platform;
  userId: string;
  displayName?: string;
  /** Slack team id, Discord guild id; absent in DMs and on the console. */
  workspaceId?: string;
  channelId?: string;
  /** Platform admin check (Slack admin/owner, Discord Manage Server); adapters provide it. */
  isPlatformAdmin?: () => Promise<boolean>;
}

/** Everything a handler may use; built once by main.ts. */
export interface Services {
  config: Config;
  openrouter: OpenRouterClient;
  /** The store; `store.available()` is false while Postgres is unreachable. */
  store: Store;
  log: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Waits between `/generation` polls while a request is pending (default: about a minute in all). */
  pollDelaysMs?: readonly number[];
}

export interface Store {
  available(): boolean;
  /** The handle, or throws StoreUnavailableError. */
  get(): DbHandle;
}

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
  run(ctx: Context<ArgsOf<O>>): Promise<Reply>;
}

/** A command with its option types erased, for lists. */
export type AnyCommand = CommandSpec<Record<string, OptionSpec>>;

/** Declares a command; the `const` parameter keeps literal choice types for `ArgsOf`. */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): AnyCommand {
  return spec as unknown as AnyCommand;
}
