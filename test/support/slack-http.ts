/**
 * The real Slack adapter (Bolt in HTTP mode) on its own loopback HTTP server, started, with a driver
 * that sends signed requests to it: the set-up the Slack suites share. Test tuning: no Web API
 * retries, a short per-channel interval, no reconnect loop.
 * @module
 */
import {
  createSlackAdapter,
  type SlackAdapter,
  type SlackAdapterDeps,
} from '../../src/adapters/slack/slack-adapter.js';
import type { Config } from '../../src/config.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createSlackDriver, type FakeSlack, type SlackDriver } from './fake-slack.js';

export interface SlackHttp {
  adapter: SlackAdapter;
  http: HttpServer;
  driver: SlackDriver;
  /** Stops the adapter, then its HTTP server. */
  stop(): Promise<void>;
}

export async function startSlackHttp(
  config: Config,
  fake: FakeSlack,
  deps: Omit<SlackAdapterDeps, 'http' | 'tuning'>,
): Promise<SlackHttp> {
  const signingSecret = config.slack.signingSecret?.reveal();
  if (!signingSecret) throw new Error('startSlackHttp: the config has no SLACK_SIGNING_SECRET (HTTP mode)');
  const http = createHttpServer({ host: '127.0.0.1', port: 0, log: deps.log });
  const adapter = createSlackAdapter(config, {
    ...deps,
    http,
    tuning: { webApiRetries: 0, perChannelIntervalMs: 50, autoReconnect: false },
  });
  const { url } = await http.start();
  await adapter.start();
  return {
    adapter,
    http,
    driver: createSlackDriver(fake, { mode: 'http', eventsUrl: `${url}/slack/events`, signingSecret }),
    async stop() {
      await adapter.stop();
      await http.stop();
    },
  };
}
