/**
 * The port every chat adapter implements. Adapters translate platform events into core calls
 * (`Bot.runText`, `Bot.runCommand`, `Bot.lookupPastedIds`) and `Reply` objects into platform
 * messages; they hold no product logic.
 * @module
 */

import type { Reply } from './reply.js';
import type { Platform } from './services.js';

/** Where a scheduled message (digest, alert) goes. */
export interface PostTarget {
  workspaceId?: string;
  channelId: string;
}

export interface PostOptions {
  /**
   * A stable key for this logical message (e.g. `digest:<subscription>:<window>`). Adapters use it to
   * make a resend after a crash invisible: Slack message metadata checked in `conversations.history`,
   * Discord `nonce` + `enforce_nonce`.
   */
  dedupeKey?: string;
  /**
   * The delivery ledger says an earlier attempt with this key reached the post and its result was
   * never recorded (the process died). When the adapter cannot read the channel to see whether that
   * post landed, it must not post again: it answers `unconfirmed` instead (at most once).
   */
  mayHavePosted?: boolean;
}

export interface PostResult {
  /** Slack `ts`, Discord message id. */
  messageId: string;
  /** True when an earlier send with the same dedupe key was found and nothing new was posted. */
  deduplicated: boolean;
  /**
   * Nothing was posted: an earlier attempt may have posted it (`mayHavePosted`) and the channel could
   * not be read to check. `messageId` is empty. Logged at warn by the adapter.
   */
  unconfirmed?: boolean;
}

export interface ChatAdapter {
  readonly name: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Connected and able to post. */
  ready(): boolean;
  post(target: PostTarget, reply: Reply, opts?: PostOptions): Promise<PostResult>;
}
