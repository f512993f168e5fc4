import { createHash } from 'node:crypto';
import { shareButton } from '../core/buttons.js';
import { type Reply, reply } from '../core/reply.js';
import type { Services } from '../core/services.js';
import { explainError, type LiveAccount, parseErrorInput } from '../domain/explain-error/index.js';
import { OpenRouterError, UserError } from '../errors.js';
import { defineCommand } from './command.js';

const USAGE = 'explain <status code | error JSON | error text>   e.g. explain 402';
/** Statuses whose explanation depends on the live account (credits, key limit, free tier). */
const LIVE_STATUSES = new Set([401, 402, 403, 429]);

const HASH = /^[0-9a-f]{64}$/;
const PASTED_KEY = /sk-or-v1-[A-Za-z0-9_-]{16,}/;

/**
 * The key the error names: a key hash in the metadata (`key_hash`, `api_key_hash`, `hash`, as the
 * keys API spells a key's hash), or the SHA-256 of a key pasted with the error (never echoed).
 */
function failingKeyHash(input: string, metadata: Record<string, unknown> | undefined): string | undefined {
  for (const field of ['key_hash', 'api_key_hash', 'hash']) {
    const value = metadata?.[field];
    if (typeof value === 'string' && HASH.test(value.toLowerCase())) return value.toLowerCase();
  }
  const pasted = PASTED_KEY.exec(input)?.[0];
  return pasted ? createHash('sha256').update(pasted).digest('hex') : undefined;
}

/** Reads the named key's limit from the account's key list (every workspace); false when it is not there. */
async function namedKey(services: Services, hash: string, live: LiveAccount): Promise<boolean> {
  if (!services.openrouter.hasManagementKey) return false;
  try {
    const keys = await services.openrouter.listKeys({ budgetMs: 5_000, includeDisabled: true });
    const key = keys.find((k) => k.hash === hash);
    if (!key) {
      live.failingKey = { found: false };
      return true;
    }
    live.failingKey = { name: key.name || key.label, found: true };
    live.keyLimit = key.limit;
    live.keyLimitRemaining = key.limitRemaining;
    live.keyLimitReset = key.limitReset;
    return true;
  } catch {
    return false;
  }
}

async function liveAccount(services: Services, failingHash?: string): Promise<LiveAccount | undefined> {
  const live: LiveAccount = { fetchedAt: services.now() };
  if (failingHash && (await namedKey(services, failingHash, live))) {
    const credits = await services.openrouter.getCredits({ budgetMs: 5_000 }).catch(() => undefined);
    if (credits) {
      live.balance = credits.totalCredits - credits.totalUsage;
      live.totalCredits = credits.totalCredits;
    }
    return live;
  }
  const [credits, key] = await Promise.allSettled([
    services.openrouter.hasManagementKey
      ? services.openrouter.getCredits({ budgetMs: 5_000 })
      : Promise.reject(new Error('no key')),
    services.openrouter.hasInferenceKey
      ? services.openrouter.getCurrentKey({ budgetMs: 5_000 })
      : Promise.reject(new Error('no key')),
  ]);
  if (credits.status === 'fulfilled') {
    live.balance = credits.value.totalCredits - credits.value.totalUsage;
    live.totalCredits = credits.value.totalCredits;
  }
  if (key.status === 'fulfilled') {
    live.keyLimit = key.value.limit;
    live.keyLimitRemaining = key.value.limitRemaining;
    live.keyLimitReset = key.value.limitReset;
    live.isFreeTier = key.value.isFreeTier;
  } else if (key.reason instanceof OpenRouterError && key.reason.status === 401) {
    live.keyRejected = true;
  }
  return credits.status === 'fulfilled' || key.status === 'fulfilled' || live.keyRejected ? live : undefined;
}

const RETRY_LABEL: Record<string, string> = {
  no: 'Do not retry as is',
  yes: 'Retry',
  'after-fix': 'Retry after the fix',
  backoff: 'Retry with backoff',
  at: 'Retry later',
};

/** `explain <code | error JSON | text>`: meaning, causes, retry advice, fix, and the live account's view. */
export const explain = defineCommand({
  name: 'explain',
  summary: 'What an OpenRouter error means, whether to retry, how to fix it (402 = no credits)',
  usage: USAGE,
  examples: ['explain 402', 'explain {"error":{"code":429,"message":"Rate limit exceeded: free-models-per-day"}}'],
  options: {
    error: {
      kind: 'text',
      description: 'A status code, an error body or an error message',
      required: true,
      maxLength: 3900,
    },
  },
  async run({ args, services, commandText }): Promise<Reply> {
    const parsed = parseErrorInput(args.error);
    if (parsed.status === undefined && !parsed.midStream && parsed.signals.length === 0) {
      throw new UserError('I could not find an HTTP status or a known OpenRouter error in that.', USAGE);
    }
    const needsLive = parsed.status === undefined || LIVE_STATUSES.has(parsed.status);
    const failing = parsed.status === 402 ? failingKeyHash(args.error, parsed.metadata) : undefined;
    const live = needsLive ? await liveAccount(services, failing) : undefined;
    const x = explainError(parsed, live);
    const fields = [
      ...(x.causes.length ? [{ label: 'Likely causes', value: x.causes.map((c) => `• ${c}`).join('\n') }] : []),
      {
        label: RETRY_LABEL[x.retry.advice] ?? 'Retry',
        value: `${x.retry.text}${x.retry.at ? ` (at ${x.retry.at.toISOString()})` : ''}`,
      },
      ...(x.fixes.length ? [{ label: 'How to fix', value: x.fixes.map((f) => `• ${f}`).join('\n') }] : []),
      ...(x.live.length ? [{ label: 'Your account right now', value: x.live.map((l) => `• ${l}`).join('\n') }] : []),
    ];
    const notes: string[] = [];
    if (parsed.message) notes.push(`Message: ${parsed.message}`);
    if (needsLive && !live) notes.push('Live account state unavailable (no key configured or OpenRouter unreachable).');
    return reply({
      title: x.title,
      tone: x.status !== null && x.status >= 500 ? 'warning' : x.status === 402 ? 'danger' : 'neutral',
      summary: x.meaning,
      fields,
      notes,
      ...(live?.fetchedAt ? { asOf: live.fetchedAt } : {}),
      buttons: [shareButton(commandText)],
    });
  },
});
