/**
 * The one boundary every inbound command goes through, whatever the platform: allow-lists,
 * per-user rate limit, admin check, the handler, error reporting, metrics and the audit row.
 * @module
 */

import { configSecrets } from '../config.js';
import type { ButtonAction } from '../core/buttons.js';
import { errorReply, type Reply } from '../core/reply.js';
import type { Actor, Services } from '../core/services.js';
import { createWorkGate, type WorkGate } from '../core/work-gate.js';
import { type AuditWriter, createAuditWriter } from '../db/queries/audit.js';
import { findGenerationIds } from '../domain/generation-id.js';
import { MissingKeyError, OpenRouterError, StoreUnavailableError, UserError } from '../errors.js';
import { maskSecrets } from '../secrets.js';
import { type Access, checkAccess } from './access.js';
import { type AnyCommand, defineCommand } from './command.js';
import { parseCommandText, quote, validateArgs } from './grammar.js';
import { createRateLimiter } from './rate-limit.js';

export type Outcome = 'ok' | 'user_error' | 'denied' | 'rate_limited' | 'error';

export interface CommandResult {
  reply: Reply;
  outcome: Outcome;
  /** The command that ran, when the input named one. */
  command?: string;
  /** The input was not understood (bad grammar, malformed id, unknown model): `ask` exits 2. */
  invalidInput?: boolean;
}

/** What adapters call. Everything platform-specific stays in the adapters. */
export interface Bot {
  readonly commands: readonly AnyCommand[];
  /** Slack `/credits <text>`, the console and `credits-bot ask`. */
  runText(text: string, actor: Actor): Promise<CommandResult>;
  /** Discord: a subcommand with typed options. */
  runCommand(
    name: string,
    options: Record<string, string | number | boolean | undefined | null>,
    actor: Actor,
  ): Promise<CommandResult>;
  /** Request ids pasted in a channel message: one reply per id (at most 3); none when there are no ids. */
  lookupPastedIds(text: string, actor: Actor): Promise<CommandResult[]>;
  /** A button other than Share/Refresh (those re-run `value` as text): alert Acknowledge/Snooze. */
  pressButton(action: string, value: string, actor: Actor): Promise<CommandResult>;
  /** Whether the bot may answer `actor` there at all (for autocomplete and Share): see access.ts. */
  access(actor: Actor): Promise<Access>;
  /** Resolves when the audit rows of the commands answered so far are written (before the store closes). */
  settle(): Promise<void>;
  /**
   * What an adapter does after acknowledging (run the command, deliver the answer), through the
   * work gate (src/core/work-gate.ts): a burst is acknowledged first and answered after.
   */
  afterAck<T>(work: () => Promise<T>): Promise<T>;
}

/** Handles a button press; `value` is the button's value as rendered. */
export type ButtonHandler = (ctx: { value: string; actor: Actor; services: Services }) => Promise<Reply>;

/** Core handlers of the `press` buttons, keyed by their declared action ids (src/core/buttons.ts). */
export type ButtonHandlers = Readonly<Partial<Record<ButtonAction, ButtonHandler>>>;

const MAX_PASTED_IDS = 3;
/**
 * How long a command waits for a store that is still making its first connection. Replies go out
 * after the platform's 3-second ack (Slack `response_url`, Discord's deferred edit), so this may be
 * longer than that budget; a fresh embedded store takes about 5 s (shared/facts.md).
 */
const STORE_START_WAIT_MS = 10_000;

async function isAdmin(services: Services, actor: Actor): Promise<boolean> {
  if (actor.platform === 'console') return true; // the operator at the terminal owns the process
  if (services.config.admins.includes(`${actor.platform}:${actor.userId}`)) return true;
  try {
    return (await actor.isPlatformAdmin?.()) ?? false;
  } catch (error) {
    services.log.warn({ err: error, platform: actor.platform }, 'admin check failed; treating as non-admin');
    return false;
  }
}

function describeFailure(error: unknown, knownSecrets: readonly string[]): Reply {
  // A UserError may quote the user's input (an unknown model, a bad time): mask it here, once for all.
  if (error instanceof UserError) return errorReply(maskSecrets(error.message, knownSecrets), error.usage);
  if (error instanceof StoreUnavailableError) {
    return errorReply('The bot cannot reach its database right now, so it cannot answer this. Try again in a minute.');
  }
  if (error instanceof OpenRouterError && error.isUnavailable) {
    return errorReply(
      `OpenRouter is unavailable or slow right now (${error.status || error.kind}). Try again in a minute.`,
    );
  }
  if (error instanceof OpenRouterError && (error.status === 401 || error.status === 403)) {
    return errorReply(
      `OpenRouter refused the configured key (${error.status}): ${maskSecrets(error.message)}. Check OPENROUTER_API_KEY / OPENROUTER_MANAGEMENT_KEY.`,
    );
  }
  return errorReply('Something went wrong on my side; it has been logged. Try again, or type `help`.');
}

/** Builds the bot core over the given commands. */
export function createBot(
  services: Services,
  commands: readonly AnyCommand[],
  buttons: ButtonHandlers = {},
  opts: {
    /** Where audit rows go; default: a group-committing writer into the store's audit_log. */
    auditWriter?: AuditWriter;
    /** The gate of adapters' post-acknowledgement work; default: 16 at once, 250 ms leases. */
    workGate?: WorkGate;
  } = {},
): Bot {
  const allow = createRateLimiter(services);
  const gate = opts.workGate ?? createWorkGate();
  const knownSecrets = configSecrets(services.config);
  const auditRows =
    opts.auditWriter ??
    createAuditWriter(() => services.store.get().db, {
      onDropped: (rows) => services.log.error({ rows }, 'audit rows dropped: the store has been down too long'),
    });

  async function audit(
    actor: Actor,
    command: string,
    argsText: string,
    outcome: Outcome,
    started: number,
    error?: unknown,
    /** A change's row: the caller awaits it, so it fails fast; a question's row waits out a store outage. */
    change = false,
  ) {
    const latencyMs = Math.round(performance.now() - started);
    services.metrics.commands.inc({ command, platform: actor.platform, outcome });
    services.metrics.commandSeconds.observe({ command, platform: actor.platform }, latencyMs / 1000);
    if (!services.store.available()) return;
    try {
      await auditRows.record(
        {
          platform: actor.platform,
          workspaceId: actor.workspaceId ?? null,
          channelId: actor.channelId ?? null,
          userId: actor.userId,
          command,
          args: maskSecrets(argsText, knownSecrets).slice(0, 1000),
          outcome,
          latencyMs,
          error: error
            ? maskSecrets(String(error instanceof Error ? error.message : error), knownSecrets).slice(0, 1000)
            : null,
        },
        { retry: !change },
      );
    } catch (auditError) {
      services.log.error({ err: auditError }, 'could not write the audit row');
    }
  }

  async function execute(
    command: AnyCommand | undefined,
    args: Record<string, string | number> | undefined,
    parseError: { message: string; usage?: string } | undefined,
    argsText: string,
    actor: Actor,
  ): Promise<CommandResult> {
    const started = performance.now();
    const name = command?.name ?? 'unknown';
    const access = await checkAccess(services.config, actor);
    if (!access.allowed) {
      const r = errorReply(access.reason);
      void audit(actor, name, argsText, 'denied', started);
      return { reply: r, outcome: 'denied', command: name };
    }
    if (!(await allow(`${actor.platform}:${actor.userId}`))) {
      const r = errorReply(
        `Easy there: at most ${services.config.commandRateLimit} commands a minute per person. Try again in a moment.`,
      );
      void audit(actor, name, argsText, 'rate_limited', started);
      return { reply: r, outcome: 'rate_limited', command: name };
    }
    if (!command || !args) {
      const r = errorReply(parseError?.message ?? 'I did not understand that.', parseError?.usage);
      void audit(actor, name, argsText, 'user_error', started);
      return { reply: r, outcome: 'user_error', command: name, invalidInput: true };
    }
    // A command that changes something (settings, a key) has its row committed before it answers;
    // the row of a question is written right after the answer (group-committed), off its latency.
    const changes = command.admin?.(args as never) === true;
    if (changes && !(await isAdmin(services, actor))) {
      const r = errorReply(
        'Only admins can change subscriptions and alerts here: a workspace admin or owner (Slack), a member with Manage Server (Discord), or someone listed in BOT_ADMINS.',
      );
      void audit(actor, name, argsText, 'denied', started);
      return { reply: r, outcome: 'denied', command: name };
    }
    if (command.readsAuditLog) await auditRows.settled();
    // During start-up the store may still be connecting: wait for it rather than fail (issue 14).
    if (!services.store.available()) await services.store.whenStarted?.(STORE_START_WAIT_MS);
    try {
      const result = await command.run({
        args: args as never,
        actor,
        services,
        commandText: maskSecrets(argsText, knownSecrets),
        commands,
      });
      const row = audit(actor, name, argsText, 'ok', started, undefined, changes);
      if (changes) await row;
      return { reply: result, outcome: 'ok', command: name };
    } catch (error) {
      const known = error instanceof UserError;
      if (!known) {
        services.log.error(
          { err: error, command: name, platform: actor.platform, channel: actor.channelId },
          'command failed',
        );
      }
      const outcome: Outcome = known ? 'user_error' : 'error';
      const row = audit(actor, name, argsText, outcome, started, error, changes);
      if (changes) await row;
      const invalidInput = known && !(error instanceof MissingKeyError);
      return { reply: describeFailure(error, knownSecrets), outcome, command: name, invalidInput };
    }
  }

  return {
    commands,
    afterAck: (work) => gate.run(work),
    access: (actor) => checkAccess(services.config, actor),
    async settle() {
      const left = await auditRows.settled();
      if (left > 0) services.log.error({ rows: left }, 'audit rows not written: the store did not answer in time');
    },
    async runText(text, actor) {
      const parsed = parseCommandText(text, commands);
      const argsText = text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
      if (!parsed.ok) {
        return execute(parsed.command, undefined, { message: parsed.message, usage: parsed.usage }, argsText, actor);
      }
      return execute(parsed.command, parsed.args, undefined, argsText.trim(), actor);
    },
    async runCommand(name, options, actor) {
      const command = commands.find((c) => c.name === name);
      const argsText = [
        name,
        ...Object.entries(options)
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([k, v]) => `${k}:${String(v)}`),
      ].join(' ');
      if (!command) {
        return execute(
          undefined,
          undefined,
          { message: `I don't know the command "${quote(name)}".`, usage: 'help' },
          argsText,
          actor,
        );
      }
      const validated = validateArgs(command, options);
      if (!validated.ok) return execute(command, undefined, validated, argsText, actor);
      return execute(command, validated.args, undefined, argsText, actor);
    },
    async pressButton(action, value, actor) {
      const handler = (buttons as Readonly<Record<string, ButtonHandler | undefined>>)[action];
      const button = defineCommand({
        name: `button:${action}`,
        summary: action,
        usage: action,
        examples: [],
        options: {},
        admin: () => true,
        run: async () => {
          if (!handler) throw new UserError('That button is no longer supported.');
          return handler({ value, actor, services });
        },
      });
      return execute(button, {}, undefined, `${action} ${value}`.slice(0, 200), actor);
    },
    async lookupPastedIds(text, actor) {
      const request = commands.find((c) => c.name === 'request');
      if (!request) return [];
      const ids = findGenerationIds(text, MAX_PASTED_IDS);
      const results: CommandResult[] = [];
      for (const id of ids) results.push(await execute(request, { id }, undefined, `request ${id}`, actor));
      return results;
    },
  };
}
