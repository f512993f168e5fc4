/**
 * Slack HTTP mode while Bolt is still starting. `/healthz` answers as soon as the port is open, so a
 * load balancer sends Slack's requests before `app.init()` and `auth.test` are done. Instead of a
 * 503 (Slack then shows the user "dispatch_failed"), such a request is verified with Bolt's own
 * signature check, acknowledged at once (Slack's 3-second budget:
 * https://api.slack.com/interactivity/slash-commands#responding_basic_receipt), and handed to Bolt
 * through `app.processEvent` once it is ready. Its answer goes out through `response_url` (valid for
 * 30 minutes) or the Web API as usual.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, HTTPModuleFunctions } from '@slack/bolt';
import type { Logger } from '../../logger.js';

/** How long an early-acked request waits for Bolt before it is dropped (logged). */
const LATE_START_MS = 60_000;

export interface EarlyAckDeps {
  app: App;
  signingSecret: string;
  /** Resolves once Bolt is initialised. */
  ready: Promise<void>;
  log: Logger;
  /** Background work that stop() and idle() wait for. */
  track(work: Promise<unknown>): void;
}

/** Resolves true when `work` does within `ms`, false after `ms`. */
async function within(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return Promise.race([work.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** Verifies, acknowledges and queues one request that arrived before Bolt was ready. */
export async function earlyAck(req: IncomingMessage, res: ServerResponse, deps: EarlyAckDeps): Promise<void> {
  const http = HTTPModuleFunctions;
  let body: Record<string, unknown>;
  try {
    const buffered = await http.parseAndVerifyHTTPRequest({ signingSecret: deps.signingSecret }, req);
    body = http.parseHTTPRequestBody(buffered) as Record<string, unknown>;
  } catch (error) {
    deps.log.info({ err: error }, 'slack request refused during start-up: bad signature or body');
    http.buildNoBodyResponse(res, 401);
    return;
  }
  if (body.ssl_check) {
    http.buildSSLCheckResponse(res);
    return;
  }
  if (body.type === 'url_verification') {
    http.buildUrlVerificationResponse(res, body);
    return;
  }
  http.buildNoBodyResponse(res, 200);
  const retryNum = http.extractRetryNumFromHTTPRequest(req);
  const retryReason = http.extractRetryReasonFromHTTPRequest(req);
  deps.track(
    (async () => {
      if (!(await within(deps.ready, LATE_START_MS))) {
        deps.log.warn('slack did not finish starting; a request acknowledged during start-up was dropped');
        return;
      }
      await deps.app.processEvent({
        body,
        ack: async () => {},
        ...(retryNum !== undefined ? { retryNum } : {}),
        ...(retryReason !== undefined ? { retryReason } : {}),
        customProperties: {},
      });
    })(),
  );
}
