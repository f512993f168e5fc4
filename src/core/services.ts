/**
 * What the core hands every handler and job: who is asking (`Actor`, `Platform`) and the
 * services built once by main.ts (`Services`, `Store`). Platform-free contracts, imported downward.
 * @module
 */
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { OpenRouterClient } from '../openrouter/types.js';

export type Platform = 'slack' | 'discord' | 'console';

/** Who is asking, and where. */
export interface Actor {
  platform: Platform;
  userId: string;
  displayName?: string;
  /** Slack team id, Discord guild id; absent in DMs and on the console. */
  workspaceId?: string;
  channelId?: string;
  /** Platform admin check (Slack admin/owner, Discord Manage Server); adapters provide it. */
  isPlatformAdmin?: () => Promise<boolean>;
  /**
   * Makes the bot a member of `channelId` where the platform needs that for scheduled posts (Slack:
   * reading the history that keeps digests and alerts exactly once, uploading charts). Absent where
   * nothing is needed.
   */
  joinChannel?: () => Promise<ChannelAccess>;
  /**
   * Slack: the person's own team and whether they are a guest (`users.info`), for the access check
   * (Slack Connect brings people of other organisations into shared channels); adapters provide it.
   */
  account?: () => Promise<{ teamId?: string; guest: boolean }>;
}

/** Whether the bot can fully serve a channel; `advice` tells an admin what to do when it cannot. */
export type ChannelAccess = { ok: true } | { ok: false; advice: string };

/** Everything a handler may use; built once by main.ts. */
export interface Services {
  config: Config;
  openrouter: OpenRouterClient;
  /** The store; `store.available()` is false while Postgres is unreachable. */
  store: Store;
  log: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Waits between `/generation` polls while a request is pending (default: about a minute in all). */
  pollDelaysMs?: readonly number[];
}

export interface Store {
  available(): boolean;
  /** The handle, or throws StoreUnavailableError. */
  get(): DbHandle;
  /**
   * While the first connection is still being made (start-up), waits for it, at most `ms`; resolves
   * at once when the store is available or its first attempt has already failed. True if available.
   */
  whenStarted?(ms: number): Promise<boolean>;
}
