/**
 * `keys [by workspace] [page N]` · `keys <name>` · `keys disable|enable <name>` ·
 * `keys limit <name> <usd> [daily|weekly|monthly|none]` · `keys confirm|approve|cancel <request>`: every API key across the workspaces, one key
 * in detail, and the admin actions (issue 13). Reading is open; actions need an admin.
 * @module
 */
import type { Reply } from '../../core/reply.js';
import type { Services } from '../../core/services.js';
import { addDays } from '../../digest/figures.js';
import { utcDate } from '../../domain/periods.js';
import { UserError } from '../../errors.js';
import type { KeyItem, LimitReset } from '../../openrouter/types.js';
import { defineCommand } from '../command.js';
import { cancelAction, decideAction, requestAction } from './actions.js';
import { keyDetailReply, keyListReply } from './format.js';
import { resolveKey } from './resolve.js';

const USAGE =
  'keys [by workspace] [page N] | keys <name> | keys disable <name> | keys enable <name> | keys limit <name> <usd> [daily|weekly|monthly|none] | keys confirm|approve|cancel <request>';
const ACTIONS = ['disable', 'enable', 'limit', 'confirm', 'approve', 'cancel'] as const;
const RESETS = ['daily', 'weekly', 'monthly', 'none'] as const;

async function allKeys(services: Services): Promise<KeyItem[]> {
  return services.openrouter.listKeys({ includeDisabled: true, fresh: true });
}

async function workspaceNames(services: Services): Promise<Map<string, string>> {
  try {
    return new Map((await services.openrouter.listWorkspaces()).map((w) => [w.id, w.name]));
  } catch (error) {
    services.log.warn({ err: error }, 'keys: could not list workspaces; showing ids');
    return new Map();
  }
}

function pick(keys: readonly KeyItem[], name: string): KeyItem {
  const found = resolveKey(keys, name);
  if (!found.ok) throw new UserError(found.message, USAGE);
  return found.key;
}

/** The key's spend on each of the last 7 complete UTC days, from `/activity`; `null` when unreadable. */
async function lastSevenDays(services: Services, key: KeyItem): Promise<{ date: string; usd: number }[] | null> {
  const today = utcDate(services.now());
  const days = Array.from({ length: 7 }, (_, i) => addDays(today, i - 7));
  try {
    const rows = await services.openrouter.getActivity({ apiKeyHash: key.hash });
    return days.map((date) => ({
      date,
      usd: rows.filter((r) => r.date.slice(0, 10) === date).reduce((s, r) => s + r.usage, 0),
    }));
  } catch (error) {
    services.log.warn({ err: error }, 'keys: could not read activity for the key');
    return null;
  }
}

/** `keys …`: every key, one key, or an admin action on one. */
export const keys = defineCommand({
  name: 'keys',
  summary: 'API keys: spend today/week/month, limit, status; one in detail; disable/enable/limit (admins)',
  usage: USAGE,
  examples: ['keys', 'keys by workspace', 'keys production', 'keys disable production', 'keys limit ci 10 daily'],
  options: {
    action: { kind: 'choice', description: 'An admin action on the key', choices: ACTIONS },
    name: { kind: 'string', description: 'A key name, a unique prefix, or a hash prefix', maxLength: 100 },
    usd: { kind: 'number', description: 'For limit: the new limit in USD', min: 0, max: 1_000_000 },
    reset: { kind: 'choice', description: 'For limit: when it resets (default: as now)', choices: RESETS },
    by: { kind: 'choice', description: 'Group the list', choices: ['workspace'], keyword: 'by' },
    page: { kind: 'integer', description: 'Page of the list', min: 1, max: 1000, keyword: 'page' },
  },
  admin: (args) => args.action !== undefined,
  async run({ args, actor, services, commandText }): Promise<Reply> {
    if (args.action === 'confirm' || args.action === 'approve' || args.action === 'cancel') {
      // The text form of the confirmation's buttons (the console and `ask` have none).
      if (!args.name) throw new UserError(`\`keys ${args.action}\` needs the request number.`, USAGE);
      if (args.action === 'cancel') return cancelAction(services, actor, args.name);
      return decideAction(services, actor, args.name, args.action);
    }
    const keys = await allKeys(services);
    if (args.action) {
      if (!args.name) throw new UserError(`\`keys ${args.action}\` needs a key name.`, USAGE);
      const key = pick(keys, args.name);
      if (args.action !== 'limit') return requestAction(services, actor, { action: args.action, hash: key.hash });
      if (args.usd === undefined && args.reset !== 'none') {
        throw new UserError('`keys limit` needs an amount in USD, e.g. `keys limit ci 10 daily`.', USAGE);
      }
      const limit = args.usd ?? null;
      const limitReset: LimitReset =
        args.reset === undefined ? ((key.limitReset ?? null) as LimitReset) : args.reset === 'none' ? null : args.reset;
      return requestAction(services, actor, { action: 'limit', hash: key.hash, limit, limitReset });
    }
    const now = services.now();
    const names = await workspaceNames(services);
    if (args.name) {
      const key = pick(keys, args.name);
      return keyDetailReply({
        key,
        workspaceName: key.workspaceId ? (names.get(key.workspaceId) ?? key.workspaceId) : 'default',
        days: await lastSevenDays(services, key),
        accountMonth: keys.reduce((s, k) => s + k.usageMonthly, 0),
        now,
        commandText,
      });
    }
    return keyListReply({
      keys,
      workspaceNames: names,
      byWorkspace: args.by === 'workspace',
      page: args.page ?? 1,
      now,
      commandText,
    });
  },
});
