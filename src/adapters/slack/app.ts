/**
 * The Bolt app: Socket Mode when `SLACK_APP_TOKEN` is set, else HTTP mode behind the bot's own
 * server at `POST /slack/events`, with Bolt logging through pino and the WebClient tuned so the
 * outbox (not the client) waits out 429s.
 * @module
 */
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { type Config, ConfigError } from '../../config.js';
import type { Logger } from '../../logger.js';

export const SLACK_EVENTS_PATH = '/slack/events';

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

export interface BoltApp {
  app: App;
  mode: 'socket' | 'http';
  socketReceiver?: SocketModeReceiver;
  httpReceiver?: HTTPReceiver;
}

/** Checks the tokens the mode needs and builds the app (not yet initialised: `deferInitialization`). */
export function createBoltApp(config: Config, tuning: SlackTuning, log: Logger): BoltApp {
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
    // Bolt's default conversation store (context.conversation) is unused here, and its middleware
    // builds a "Conversation not found" error for every event it sees: measurable under a burst.
    convoStore: false,
    logger,
    clientOptions,
  });
  return {
    app,
    mode,
    ...(socketReceiver ? { socketReceiver } : {}),
    ...(httpReceiver ? { httpReceiver } : {}),
  };
}

/** The `error` code of a failed Web API call (`not_in_channel`, …), if there is one. */
export function platformError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
