/**
 * The Slack adapter: a Bolt app in Socket Mode (when `SLACK_APP_TOKEN` is set) or in HTTP mode on
 * the bot's own server at `POST /slack/events`. It turns `/credits`, buttons, pasted `gen-…` ids
 * and mentions into core calls, and Replies into Block Kit; it holds no product logic. This file
 * wires the parts (app, actor, respond, command, actions, messages, deliver) and runs the lifecycle.
 * @module
 */
import type { App } from '@slack/bolt';
import { Counter } from 'prom-client';
import type { Bot } from '../../commands/dispatch.js';
import type { Config } from '../../config.js';
import type { ChatAdapter } from '../../core/chat-adapter.js';
import type { HttpServer } from '../../http/server.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { registerActions } from './actions.js';
import { createActors } from './actor.js';
import { createBoltApp, SLACK_EVENTS_PATH, type SlackTuning } from './app.js';
import { registerCommand } from './command.js';
import { createBoundedSet, createDedupe } from './dedupe.js';
import { createDeliver } from './deliver.js';
import { earlyAck } from './early-ack.js';
import { registerHome } from './home.js';
import { registerMessages } from './messages.js';
import { createOutbox } from './outbox.js';
import { createResponder } from './respond.js';

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

function counter<N extends string>(metrics: Metrics, name: string, help: string, labelNames: N[]): Counter<N> {
  const existing = metrics.registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<N>;
  return new Counter({ name, help, labelNames, registers: [metrics.registry] });
}

/** Builds the Slack adapter; registers `POST /slack/events` on the shared server in HTTP mode. */
export function createSlackAdapter(config: Config, deps: SlackAdapterDeps): SlackAdapter {
  const { bot, log } = deps;
  const now = deps.now ?? (() => new Date());
  const tuning = deps.tuning ?? {};
  const { app, mode, socketReceiver, httpReceiver } = createBoltApp(config, tuning, log);

  const events = counter(deps.metrics, 'credits_bot_slack_events_total', 'Slack deliveries by kind and outcome', [
    'kind',
    'outcome',
  ]);
  const rateLimited = counter(deps.metrics, 'credits_bot_slack_rate_limited_total', 'Slack 429 answers', ['method']);
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
  let markInitialized: () => void = () => {};
  const whenInitialized = new Promise<void>((resolve) => {
    markInitialized = resolve;
  });
  let connected = false;
  let stopped = false;
  let botUserId: string | undefined;

  const actors = createActors(client, now, tuning.adminCacheMs, log);
  const responder = createResponder({ client, outbox, log, now, track });
  const post = createDeliver(client, responder, log);
  const teamAllowed = (teamId: string | undefined): boolean => {
    const allowed = config.slack.allowedTeams;
    return allowed.length === 0 || (teamId !== undefined && allowed.includes(teamId));
  };

  registerCommand(app, { bot, events, seenCommands, actors, responder });
  registerActions(app, { bot, log, events, actors, responder });
  registerHome(app, { bot, log, events, actors, responder });
  registerMessages(app, { bot, events, dedupe, actors, responder, track, botUserId: () => botUserId, teamAllowed });
  app.error(async (error) => {
    log.error({ err: error }, 'slack listener failed');
  });

  if (httpReceiver) {
    const listener = httpReceiver.requestListener;
    const signingSecret = config.slack.signingSecret?.reveal() ?? '';
    deps.http.addRoute({
      method: 'POST',
      path: SLACK_EVENTS_PATH,
      handler: async (req, res) => {
        // /healthz answers as soon as the port is open, so Slack may deliver while Bolt is still
        // starting: acknowledge now and run it once Bolt is ready, instead of refusing (issue 14).
        if (!initialized && !stopped) {
          await earlyAck(req, res, { app, signingSecret, ready: whenInitialized, log, track });
          return;
        }
        if (stopped) {
          res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: 'slack adapter stopped' }));
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
      // Bolt's init calls auth.test for its own use and keeps the answer to itself: ours, for the bot
      // user id, goes out at the same time rather than one round trip later.
      const [, auth] = await Promise.all([app.init(), client.auth.test()]);
      botUserId = auth.user_id;
      initialized = true;
      markInitialized();
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
    post,
    async idle() {
      while (outstanding.size > 0) await Promise.all([...outstanding]);
      await outbox.idle();
    },
  };
}
