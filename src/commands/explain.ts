import { shareButton } from '../core/buttons.js';
import { type Reply, reply } from '../core/reply.js';
import type { Services } from '../core/services.js';
import { explainError, type LiveAccount, parseErrorInput } from '../domain/explain-error/index.js';
import { OpenRouterError, UserError } from '../errors.js';
import { defineCommand } from './command.js';

const USAGE = 'explain <status code | error JSON | error text>   e.g. explain 402';
/** Statuses whose explanation depends on the live account (credits, key limit, free tier). */
const LIVE_STATUSES = new Set([401, 402, 403, 429]);

async function liveAccount(services: Services): Promise<LiveAccount | undefined> {
  const live: LiveAccount = { fetchedAt: services.now() };
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
    const live = needsLive ? await liveAccount(services) : undefined;
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
