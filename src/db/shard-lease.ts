/**
 * Gateway shard leases across replicas on one Postgres: a replica may connect a Discord gateway
 * shard only while it holds that shard's lease, a session-level advisory lock
 * (`pg_try_advisory_lock(scope, shard)`) on a connection of its own. The lock lives exactly as long
 * as that session: when the holder dies (even SIGKILL) Postgres ends the session and frees it, and
 * a waiting replica takes it on its next poll. The holder checks every poll that its session still
 * holds the locks (a reconnected session holds none); on any doubt it gives the shards up at once,
 * so two replicas never serve one shard. The embedded store is one process: no lease there.
 * @module
 */
import { createHash } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import type { Logger } from '../logger.js';

/** How often a waiting replica tries to take a free lease, and a holder checks it still has it. */
const LEASE_POLL_MS = 3_000;

export interface ShardLeaseOptions {
  databaseUrl: string;
  /** What the leases are for, e.g. `discord:<token fingerprint>`: two bots on one database never block each other. */
  scope: string;
  log: Logger;
  pollMs?: number;
}

export interface ShardLease {
  /**
   * Polls until stopped: takes every free lease among shards `0..count-1`, checks held ones, and
   * calls `onChange` with the shard ids held whenever that set changes (`[]` when they were lost).
   * Resolves once the first round ran (the caller may then be holding shards or standing by).
   */
  start(count: number, onChange: (held: number[]) => Promise<void>): Promise<void>;
  /** The shard ids this replica holds now. */
  held(): number[];
  /** False when the last round could not reach Postgres. */
  healthy(): boolean;
  /** Stops polling and ends the session, which frees the leases for the other replicas. */
  stop(): Promise<void>;
}

/** The first advisory-lock key: a positive int4 derived from the scope. */
function scopeKey(scope: string): number {
  return createHash('sha256').update(`credits-bot shard lease ${scope}`).digest().readUInt32BE(0) & 0x7fffffff;
}

/** A fingerprint of a secret that names it without revealing it (for lease scopes). */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

export function createShardLease(opts: ShardLeaseOptions): ShardLease {
  const pollMs = opts.pollMs ?? LEASE_POLL_MS;
  const key = scopeKey(opts.scope);
  /** A query slower than this means a hung connection, which counts as a lost one. */
  const answerMs = Math.max(pollMs, 2_000);
  /**
   * A lease just taken may have been freed by Postgres while its old holder still has a gateway
   * session (its own check has not run yet). The old holder gives up within one poll plus one check,
   * so the new holder waits that long, checks it still holds the lease, and only then connects.
   */
  const graceMs = pollMs + answerMs + 1_000;
  let wake: (() => void) | undefined;
  const log = opts.log;
  let sql: Sql | undefined;
  let held: number[] = [];
  let ok = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let first = true;

  function session(): Sql {
    sql ??= postgres(opts.databaseUrl, {
      max: 1,
      // The locks live as long as this one session: never recycle it.
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: Math.ceil(answerMs / 1000),
      keep_alive: 5,
      // The server notices a vanished holder (a host that died without closing its socket) within
      // about 5 + 2 × 3 = 11 s and frees its locks; with a poll (3 s) and the grace (8 s) takeover
      // stays under 30 s even then.
      connection: {
        application_name: 'credits-bot shard lease',
        tcp_keepalives_idle: 5,
        tcp_keepalives_interval: 2,
        tcp_keepalives_count: 3,
      } as Record<string, string | number>,
      onnotice: () => {},
    });
    return sql;
  }

  async function dropSession(): Promise<void> {
    const s = sql;
    sql = undefined;
    await s?.end({ timeout: 1 }).catch(() => undefined);
  }

  /** Rejects when `p` takes longer than `answerMs`. */
  function bounded<T>(p: Promise<T>): Promise<T> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`no answer from Postgres within ${answerMs} ms`)), answerMs);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(t));
  }

  /** The shards this session really holds (a silently reconnected session holds none). */
  async function stillHeld(s: Sql): Promise<number[]> {
    const rows = await bounded(
      s<{ shard: number }[]>`
        select objid::int as shard from pg_locks
        where locktype = 'advisory' and granted and objsubid = 2
          and pid = pg_backend_pid() and classid::bigint = ${key}`,
    );
    return rows.map((r) => r.shard).sort((a, b) => a - b);
  }

  async function round(count: number): Promise<number[]> {
    const s = session();
    const now = held.length ? await stillHeld(s) : [];
    if (held.some((shard) => !now.includes(shard))) {
      // The session was lost: whatever it still claims is not trusted.
      await dropSession();
      throw new Error('the lease session was lost');
    }
    const next = [...now];
    for (let shard = 0; shard < count; shard += 1) {
      if (next.includes(shard)) continue;
      const [row] = await bounded(s<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}::int, ${shard}::int) as ok`);
      if (row?.ok) next.push(shard);
    }
    if (next.length > now.length) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, graceMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
      if (stopped) return held;
      const still = await stillHeld(s);
      return next.filter((shard) => still.includes(shard)).sort((a, b) => a - b);
    }
    return next.sort((a, b) => a - b);
  }

  async function tick(count: number, onChange: (held: number[]) => Promise<void>): Promise<void> {
    let next: number[];
    try {
      next = await round(count);
      if (!ok) log.info('shard lease: Postgres reachable again');
      ok = true;
    } catch (error) {
      if (ok || held.length)
        log.error({ err: error, shards: held }, 'shard lease lost or unreachable; giving up shards');
      ok = false;
      next = [];
      await dropSession();
    }
    if (stopped) return;
    if (first) {
      first = false;
      if (!next.length) log.info({ shards: count }, 'standing by: another replica holds the gateway shard lease(s)');
    }
    if (next.join() !== held.join()) {
      const before = held;
      held = next;
      log.info(
        { shards: next, before },
        next.length ? 'holding gateway shard lease(s)' : 'standing by for a shard lease',
      );
      try {
        await onChange(next);
      } catch (error) {
        // Holding a shard nobody serves helps no one: let another replica try.
        log.error({ err: error, shards: next }, 'could not serve the leased shard(s); releasing them');
        held = [];
        await dropSession();
        await onChange([]).catch(() => undefined);
      }
    }
  }

  return {
    async start(count, onChange) {
      stopped = false;
      const loop = async (): Promise<void> => {
        running = tick(count, onChange);
        await running;
        if (!stopped) timer = setTimeout(() => void loop(), pollMs);
      };
      await loop();
    },
    held: () => held,
    healthy: () => ok,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await running?.catch(() => undefined);
      held = [];
      await dropSession();
    },
  };
}
