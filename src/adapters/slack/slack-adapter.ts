/**
 * The Slack adapter: a Bolt app in Socket Mode (when `SLACK_APP_TOKEN` is set) or in HTTP mode on
 * the bot's own server at `POST /slack/events`. It turns `/credits`, buttons, pasted `gen-…` ids
 * and mentions into core calls, and Replies into Block Kit; it holds no product logic.
 * @module
 */
import {
  App,
  type BlockAction,
  type Logger as BoltLogger,
  type ButtonAction,
  HTTPReceiver,
  LogLevel,
  type RespondFn,
  SocketModeReceiver,
} from '@slack/bolt';
import { Counter } from 'prom-client';
import type { Bot, CommandResult } from '../../commands/dispatch.js';
import { type Config, ConfigError } from '../../config.js';
import type { ChatAdapter, PostResult } from '../../core/chat-adapter.js';
import type { Reply, ReplyButton } from '../../core/reply.js';
import type { Actor } from '../../core/services.js';
import type { HttpServer } from '../../http/server.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { renderReply, type SlackMessage } from './blocks.js';
import { createBoundedSet, createDedupe } from './dedupe.js';
import { createOutbox } from './outbox.js';

/** Knobs for tests and unusual deployments; the defaults suit production. */
export interface SlackTuning {
  /** WebClient retries for failed calls (default 2; tests use 0). */
  webApiRetries?: number;
  /** Gap between new messages in one channel (default 1000 ms). */
  perChannelIntervalMs?: number;
  /** Retries after a 429 (default 3). */
  maxRateLimitRetries?: number;
  /** How long a `users.info` admin answer is trusted (default 5 min). */
  adminCacheMs?: number;
  /** Socket Mode reconnects on its own (default true). */
  autoReconnect?: boolean;
}

export interface SlackAdapterDeps {
  bot: Bot;
  log: Logger;
  metrics: Metrics;
  http: HttpServer;
  /** Cross-replica event dedupe from the store; an in-memory set is always used as well. */
  markProcessed?: (eventId: string) => Promise<boolean>;
  now?: () => Date;
  tuning?: SlackTuning;
}

export type SlackAdapter = ChatAdapter & {
  readonly mode: 'socket' | 'http';
  /** The Bolt app (for diagnostics and tests). */
  readonly app: App;
  /** Resolves when background work (follow-ups, queued posts) has finished. */
  idle(): Promise<void>;
};

export const SLACK_EVENTS_PATH = '/slack/events';
const SHARE_TTL_MS = 30 * 60_000; // a response_url lives 30 minutes
const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
const GEN_ID_HINT = /gen-/i;

/** Bolt's logger interface over pino. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.debug(join(msg)),
    info: (...msg: unknown[]) => log.info(join(msg)),
    warn: (...msg: unknown[]) => log.warn(join(msg)),
    error: (...msg: unknown[]) => log.error(join(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function counter<N extends string>(metrics: Metrics, name: string, help: string, labelNames: N[]): Counter<N> {
  const existing = metrics.registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<N>;
  return new Counter({ name, help, labelNames, registers: [metrics.registry] });
}

interface MessageLike {
  text: string;
  user: string;
  channel: string;
  ts: string;
  threadTs?: string;
  channelType?: string;
  team?: string;
}

/** Reads the fields we use from a `message` / `app_mention` event; undefined for edits, bots, joins… */
function readMessage(event: unknown): MessageLike | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  const subtype = e.subtype;
  if (subtype !== undefined && subtype !== 'thread_broadcast' && subtype !== 'file_share') return undefined;
  if (typeof e.bot_id === 'string' && e.bot_id) return undefined;
  const { text, user, channel, ts } = e;
  if (typeof text !== 'string' || typeof user !== 'string' || typeof channel !== 'string' || typeof ts !== 'string') {
    return undefined;
  }
  return {
    text,
    user,
    channel,
    ts,
    ...(typeof e.thread_ts === 'string' ? { threadTs: e.thread_ts } : {}),
    ...(typeof e.channel_type === 'string' ? { channelType: e.channel_type } : {}),
    ...(typeof e.team === 'string' ? { team: e.team } : {}),
  };
}

function platformError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Builds the Slack adapter; registers `POST /slack/events` on the shared server in HTTP mode. */
export function createSlackAdapter(config: Config, deps: SlackAdapterDeps): SlackAdapter {
  const { bot, log } = deps;
  const now = deps.now ?? (() => new Date());
  const tuning = deps.tuning ?? {};
  const token = config.slack.botToken?.reveal();
  if (!token) throw new ConfigError('Invalid SLACK_BOT_TOKEN: the Slack adapter needs it (xoxb-…).');
  const appToken = config.slack.appToken?.reveal();
  const signingSecret = config.slack.signingSecret?.reveal();
  const mode: 'socket' | 'http' = appToken ? 'socket' : 'http';
  if (mode === 'http' && !signingSecret) {
    throw new ConfigError(
      'Invalid SLACK_SIGNING_SECRET: HTTP mode (no SLACK_APP_TOKEN) needs it to verify requests. Copy it from Slack app → Basic Information, or set SLACK_APP_TOKEN for Socket Mode.',
    );
  }

  const events = counter(deps.metrics, 'credits_bot_slack_events_total', 'Slack deliveries by kind and outcome', [
    'kind',
    'outcome',
  ]);
  const rateLimited = counter(deps.metrics, 'credits_bot_slack_rate_limited_total', 'Slack 429 answers', ['method']);

  const logger = boltLogger(log);
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: tuning.webApiRetries ?? 2 },
    rejectRateLimitedCalls: true, // the outbox waits for Retry-After, per channel
    logger,
  };
  let socketReceiver: SocketModeReceiver | undefined;
  let httpReceiver: HTTPReceiver | undefined;
  if (mode === 'socket') {
    socketReceiver = new SocketModeReceiver({
      appToken: appToken as string,
      logger,
      autoReconnectEnabled: tuning.autoReconnect ?? true,
      installerOptions: {
        // The socket client's own WebClient (apps.connections.open) keeps its long reconnect policy
        // unless a test asks for fewer retries.
        clientOptions: {
          slackApiUrl: config.slack.apiUrl,
          ...(tuning.webApiRetries !== undefined ? { retryConfig: { retries: tuning.webApiRetries } } : {}),
        },
      },
    });
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: signingSecret as string,
      endpoints: SLACK_EVENTS_PATH,
      logger,
      processBeforeResponse: false,
    });
  }
  const app = new App({
    token,
    receiver: (socketReceiver ?? httpReceiver) as HTTPReceiver,
    ...(mode === 'socket' ? { socketMode: true, appToken } : {}),
    deferInitialization: true,
    logger,
    clientOptions,
  });
  const client = app.client;

  const outbox = createOutbox({
    intervalMs: tuning.perChannelIntervalMs ?? 1000,
    maxRateLimitRetries: tuning.maxRateLimitRetries ?? 3,
    onRateLimited: (channel, ms) => {
      rateLimited.inc({ method: 'chat' });
      log.warn({ channel, retryAfterMs: ms }, 'slack rate limit; waiting before retrying');
    },
  });
  const dedupe = createDedupe({
    ...(deps.markProcessed ? { markProcessed: deps.markProcessed } : {}),
    onStoreError: (error) => log.warn({ err: error }, 'event dedupe store unavailable; using memory only'),
  });
  const seenCommands = createBoundedSet(5000);
  const outstanding = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const p = work
      .catch((error: unknown) => log.error({ err: error }, 'slack background work failed'))
      .finally(() => outstanding.delete(p));
    outstanding.add(p);
  };

  // ---- state ----
  let initialized = false;
  let connected = false;
  let stopped = false;
  let botUserId: string | undefined;

  // ---- admin check (users.info), cached ----
  const adminCache = new Map<string, { admin: boolean; at: number }>();
  async function isWorkspaceAdmin(userId: string): Promise<boolean> {
    const cached = adminCache.get(userId);
    const t = now().getTime();
    if (cached && t - cached.at < (tuning.adminCacheMs ?? 300_000)) return cached.admin;
    const res = await client.users.info({ user: userId });
    const u = res.user;
    const admin = Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
    adminCache.set(userId, { admin, at: t });
    if (adminCache.size > 5000) adminCache.clear();
    return admin;
  }

  function actorFor(p: { userId: string; userName?: string; teamId?: string; channelId?: string }): Actor {
    return {
      platform: 'slack',
      userId: p.userId,
      ...(p.userName ? { displayName: p.userName } : {}),
      ...(p.teamId ? { workspaceId: p.teamId } : {}),
      ...(p.channelId ? { channelId: p.channelId } : {}),
      isPlatformAdmin: () => isWorkspaceAdmin(p.userId),
    };
  }

  // ---- answers kept for "Share in channel" (the same answer, not a fresh one) ----
  const shared = new Map<string, { reply: Reply; at: number }>();
  let shareSeq = 0;
  function keepForShare(r: Reply): string {
    const t = now().getTime();
    for (const [k, v] of shared) if (t - v.at > SHARE_TTL_MS || shared.size > 1000) shared.delete(k);
    shareSeq += 1;
    const id = `${t.toString(36)}${shareSeq.toString(36)}`;
    shared.set(id, { reply: r, at: t });
    return id;
  }

  /** An ephemeral command answer: share + refresh buttons as the reply asks, share added when it is final. */
  function renderEphemeral(result: Pick<CommandResult, 'reply' | 'outcome'>, commandText: string): SlackMessage {
    const r = result.reply;
    const buttons: ReplyButton[] = [...(r.buttons ?? [])];
    if (result.outcome === 'ok' && !r.pending && !buttons.some((b) => b.action === 'share')) {
      buttons.unshift({ action: 'share', label: 'Share in channel', value: commandText });
    }
    const shareId = r.pending || result.outcome !== 'ok' ? undefined : keepForShare(r);
    return renderReply(
      { ...r, buttons },
      {
        buttonValue: (b) => {
          if (b.action !== 'share') return b.value;
          if (!shareId) return undefined;
          const full = JSON.stringify({ id: shareId, text: b.value });
          return full.length <= 2000 ? full : JSON.stringify({ id: shareId });
        },
      },
    );
  }

  /** A public message (thread reply, shared answer, digest): no share button. */
  function renderPublic(r: Reply, sharedBy?: string): SlackMessage {
    return renderReply(r, {
      buttonFilter: (b) => b.action !== 'share',
      ...(sharedBy ? { sharedBy } : {}),
    });
  }

  async function postMessage(
    channel: string,
    msg: SlackMessage,
    extra: { thread_ts?: string; metadata?: { event_type: string; event_payload: Record<string, string> } } = {},
  ): Promise<string> {
    const res = await outbox.send(channel, 'new', () =>
      client.chat.postMessage({
        channel,
        text: msg.text,
        blocks: msg.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...extra,
      }),
    );
    return res.ts ?? '';
  }

  async function updateMessage(channel: string, ts: string, msg: SlackMessage): Promise<void> {
    await outbox.send(channel, 'edit', () => client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks }));
  }

  const failedLookup = (): Reply => ({
    title: 'Sorry',
    tone: 'warning',
    summary: 'That lookup failed on my side; it has been logged. Try again in a minute.',
    visibility: 'ephemeral',
  });

  const failedReplies = new WeakSet<Reply>();
  async function finish(r: Reply): Promise<Reply> {
    if (!r.pending || !r.followUp) return r;
    try {
      return await r.followUp();
    } catch (error) {
      log.error({ err: error }, 'follow-up failed');
      const failed = failedLookup();
      failedReplies.add(failed);
      return failed;
    }
  }

  /** Answers through `response_url`: the result now, then (if pending) the final answer in place. */
  async function answerEphemeral(result: CommandResult, commandText: string, respond: RespondFn): Promise<void> {
    await respond({ response_type: 'ephemeral', replace_original: true, ...renderEphemeral(result, commandText) });
    const r = result.reply;
    if (r.pending && r.followUp) {
      track(
        (async () => {
          const final = await finish(r);
          await respond({
            response_type: 'ephemeral',
            replace_original: true,
            ...renderEphemeral({ reply: final, outcome: failedReplies.has(final) ? 'error' : 'ok' }, commandText),
          });
        })(),
      );
    }
  }

  /** A threaded public reply: the result now, then (if pending) `chat.update` with the final answer. */
  async function answerInThread(result: CommandResult, channel: string, threadTs: string | undefined): Promise<void> {
    const r = result.reply;
    const ts = await postMessage(channel, renderPublic(r), threadTs ? { thread_ts: threadTs } : {});
    if (r.pending && r.followUp) {
      track(
        (async () => {
          const final = await finish(r);
          await updateMessage(channel, ts, renderPublic(final));
        })(),
      );
    }
  }

  function teamAllowed(teamId: string | undefined): boolean {
    const allowed = config.slack.allowedTeams;
    return allowed.length === 0 || (teamId !== undefined && allowed.includes(teamId));
  }

  // ---- /credits ----
  app.command('/credits', async ({ command, ack, respond }) => {
    await ack(); // first, always: Slack's 3 seconds
    if (seenCommands.has(command.trigger_id)) {
      events.inc({ kind: 'command', outcome: 'duplicate' });
      return;
    }
    seenCommands.add(command.trigger_id);
    events.inc({ kind: 'command', outcome: 'processed' });
    const actor = actorFor({
      userId: command.user_id,
      userName: command.user_name,
      teamId: command.team_id,
      channelId: command.channel_id,
    });
    const result = await bot.runText(command.text ?? '', actor);
    await answerEphemeral(result, (command.text ?? '').trim(), respond);
  });

  // ---- buttons ----
  function actionActor(body: BlockAction): Actor {
    return actorFor({
      userId: body.user.id,
      ...(body.user.username ? { userName: body.user.username } : {}),
      ...(body.team?.id ? { teamId: body.team.id } : {}),
      ...(body.channel?.id ? { channelId: body.channel.id } : {}),
    });
  }

  app.action<BlockAction<ButtonAction>>('share', async ({ ack, body, action, respond }) => {
    await ack();
    events.inc({ kind: 'share', outcome: 'processed' });
    let parsed: { id?: string; text?: string } = {};
    try {
      parsed = JSON.parse(action.value ?? '{}') as typeof parsed;
    } catch {
      parsed = { text: action.value ?? '' };
    }
    const actor = actionActor(body);
    let answer = parsed.id ? shared.get(parsed.id)?.reply : undefined;
    if (!answer) {
      if (parsed.text === undefined) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'That answer is too old to share; run the command again.',
        });
        return;
      }
      const rerun = await bot.runText(parsed.text, actor);
      if (rerun.outcome !== 'ok') {
        // Never share a refusal or an error in the channel; show it to the presser only.
        await respond({ response_type: 'ephemeral', replace_original: false, ...renderPublic(rerun.reply) });
        return;
      }
      answer = await finish(rerun.reply);
    }
    const msg = renderPublic({ ...answer, visibility: 'public' }, body.user.id);
    const channel = body.channel?.id;
    let posted = false;
    if (channel) {
      try {
        await postMessage(channel, msg);
        posted = true;
      } catch (error) {
        log.info({ channel, error: platformError(error) }, 'could not post the shared answer; using response_url');
      }
    }
    if (!posted) await respond({ response_type: 'in_channel', replace_original: false, ...msg });
    await respond({ delete_original: true }).catch((error: unknown) =>
      log.debug({ err: error }, 'could not remove the ephemeral original'),
    );
  });

  app.action<BlockAction<ButtonAction>>('refresh', async ({ ack, body, action, respond }) => {
    await ack();
    events.inc({ kind: 'refresh', outcome: 'processed' });
    const text = action.value ?? '';
    const result = await bot.runText(text, actionActor(body));
    const isEphemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral !== false;
    if (isEphemeral) {
      await answerEphemeral(result, text, respond);
      return;
    }
    const final = await finish(result.reply);
    await respond({ replace_original: true, ...renderPublic(final) });
  });

  for (const id of ['alert-ack', 'alert-snooze'] as const) {
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action, respond }) => {
      await ack();
      events.inc({ kind: id, outcome: 'processed' });
      const result = await bot.pressButton(id, action.value ?? '', actionActor(body));
      if (result.outcome !== 'ok') {
        // A refusal goes to the presser only; the alert message stays as it is.
        await respond({ response_type: 'ephemeral', replace_original: false, ...renderPublic(result.reply) });
        return;
      }
      await respond({ response_type: 'in_channel', replace_original: false, ...renderPublic(result.reply) });
    });
  }

  // ---- pasted ids, DMs and mentions ----
  async function onMessage(
    kind: 'message' | 'app_mention',
    event: unknown,
    eventId: string | undefined,
    envelopeTeam: string | undefined,
  ) {
    const parsed = readMessage(event);
    const m = parsed && !parsed.team && envelopeTeam ? { ...parsed, team: envelopeTeam } : parsed;
    if (!m || (botUserId && m.user === botUserId)) {
      events.inc({ kind, outcome: 'ignored' });
      return;
    }
    const mentioned = botUserId ? m.text.includes(`<@${botUserId}`) : kind === 'app_mention';
    const direct = m.channelType === 'im';
    // Most channel traffic is not for us: decide that before touching the dedupe store.
    if ((!mentioned && !direct && !GEN_ID_HINT.test(m.text)) || !teamAllowed(m.team)) {
      events.inc({ kind, outcome: 'ignored' });
      return;
    }
    if (eventId && !(await dedupe.firstTime(`event:${eventId}`))) {
      events.inc({ kind, outcome: 'duplicate' });
      return;
    }
    // A mention arrives twice (`message` and `app_mention`, different event ids, same message).
    if (!(await dedupe.firstTime(`msg:${m.channel}:${m.ts}`))) {
      events.inc({ kind, outcome: 'duplicate' });
      return;
    }
    const actor = actorFor({
      userId: m.user,
      ...(m.team ? { teamId: m.team } : {}),
      channelId: m.channel,
    });
    const text = m.text.replace(MENTION, ' ').trim();
    const lookups = await bot.lookupPastedIds(text, actor);
    if (lookups.length > 0) {
      events.inc({ kind, outcome: 'processed' });
      const threadTs = m.threadTs ?? m.ts;
      for (const result of lookups) await answerInThread(result, m.channel, threadTs);
      return;
    }
    if (!mentioned && !direct) {
      events.inc({ kind, outcome: 'ignored' });
      return;
    }
    events.inc({ kind, outcome: 'processed' });
    const result = await bot.runText(text.replace(/^\/?credits\b\s*/i, ''), actor);
    await answerInThread(result, m.channel, direct && !m.threadTs ? undefined : (m.threadTs ?? m.ts));
  }

  // Bolt has acked events before listeners run; tracking the work lets stop() and idle() wait for it.
  app.event('message', async ({ event, body }) => {
    const work = onMessage('message', event, body.event_id, body.team_id);
    track(work);
    await work;
  });
  app.event('app_mention', async ({ event, body }) => {
    const work = onMessage('app_mention', event, body.event_id, body.team_id);
    track(work);
    await work;
  });

  app.error(async (error) => {
    log.error({ err: error }, 'slack listener failed');
  });

  if (httpReceiver) {
    const listener = httpReceiver.requestListener;
    deps.http.addRoute({
      method: 'POST',
      path: SLACK_EVENTS_PATH,
      handler: (req, res) => {
        if (!initialized || stopped) {
          res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: 'slack adapter not ready' }));
          return;
        }
        listener(req, res);
      },
    });
  }

  if (socketReceiver) {
    const socket = socketReceiver.client;
    socket.on('connected', () => {
      connected = true;
    });
    socket.on('disconnected', () => {
      connected = false;
    });
    socket.on('reconnecting', () => {
      connected = false;
    });
  }

  let socketStarted = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelayMs = 5_000;

  /** auth.test (Bolt's and ours, for the bot user id), then the socket in Socket Mode. */
  async function startOnce(): Promise<void> {
    if (!initialized) {
      await app.init();
      const auth = await client.auth.test();
      botUserId = auth.user_id;
      initialized = true;
    }
    if (socketReceiver && !socketStarted) {
      await app.start();
      socketStarted = true;
      connected = true;
    }
    log.info({ mode, botUserId }, 'slack adapter started');
  }

  /** Keeps trying in the background after a failed start (bad network, Slack down); /readyz shows it. */
  function scheduleRetry(): void {
    if (stopped) return;
    retryTimer = setTimeout(() => {
      startOnce().catch((error: unknown) => {
        log.error({ err: error, retryInMs: retryDelayMs }, 'slack adapter could not start; retrying');
        retryDelayMs = Math.min(retryDelayMs * 2, 300_000);
        scheduleRetry();
      });
    }, retryDelayMs);
    retryTimer.unref();
  }

  return {
    name: 'slack',
    mode,
    app,
    async start() {
      stopped = false;
      try {
        await startOnce();
      } catch (error) {
        scheduleRetry();
        throw error;
      }
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (socketReceiver && socketStarted) {
        socketStarted = false;
        await app.stop().catch((error: unknown) => log.warn({ err: error }, 'socket mode disconnect failed'));
      }
      connected = false;
      const deadline = new Promise((resolve) => setTimeout(resolve, 5000).unref());
      await Promise.race([Promise.all([...outstanding, outbox.idle()]), deadline]);
    },
    ready: () => !stopped && initialized && (mode === 'http' || connected),
    async post(target, r, opts = {}): Promise<PostResult> {
      const channel = target.channelId;
      if (opts.dedupeKey) {
        const found = await findByDedupeKey(channel, opts.dedupeKey);
        if (found) return { messageId: found, deduplicated: true };
      }
      const ts = await postMessage(
        channel,
        renderPublic(r),
        opts.dedupeKey ? { metadata: { event_type: 'credits_bot_post', event_payload: { key: opts.dedupeKey } } } : {},
      );
      if (r.image) {
        await client.files
          .uploadV2({
            channel_id: channel,
            file: Buffer.from(r.image.data),
            filename: r.image.filename,
            title: r.image.title ?? r.image.filename,
            alt_text: r.image.altText,
            thread_ts: ts,
          })
          .catch((error: unknown) => log.warn({ err: error, channel }, 'chart upload failed; the text was posted'));
      }
      return { messageId: ts, deduplicated: false };
    },
    async idle() {
      while (outstanding.size > 0) await Promise.all([...outstanding]);
      await outbox.idle();
    },
  };

  /** A message this bot already posted with the same dedupe key (metadata), in the recent history. */
  async function findByDedupeKey(channel: string, key: string): Promise<string | undefined> {
    try {
      const res = await client.conversations.history({ channel, limit: 50, include_all_metadata: true });
      for (const message of res.messages ?? []) {
        const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
        if (message.metadata?.event_type === 'credits_bot_post' && payload?.key === key && message.ts)
          return message.ts;
      }
    } catch (error) {
      log.debug({ err: error, channel }, 'history check for a resend failed; posting');
    }
    return undefined;
  }
}
