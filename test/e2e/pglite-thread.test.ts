/**
 * The embedded PGlite in its worker thread, driven by the real postgres.js over the MessagePort
 * sockets: one backend session shared by connections the way pglite-socket shares it (a transaction
 * owns the session until it ends), roll back when a connection leaves mid-transaction, dumps that load
 * again, and an event loop that keeps turning while PGlite works.
 */
import type { Sql } from 'postgres';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PGLITE_CONF, pgliteClient } from '../../src/db/client.js';
import { type PgliteThread, startPgliteThread } from '../../src/db/pglite-thread.js';

const open: { thread: PgliteThread; sql: Sql }[] = [];

/** An initialised empty cluster: initdb runs once, each test loads a copy. */
let template: ArrayBuffer;
beforeAll(async () => {
  const thread = await startPgliteThread({ postgresqlConf: PGLITE_CONF });
  template = await (await thread.dump()).arrayBuffer();
  await thread.close();
});

async function start(loadDataDir: ArrayBuffer = template.slice(0), max = 2) {
  const thread = await startPgliteThread({ postgresqlConf: PGLITE_CONF, loadDataDir });
  const sql = pgliteClient(thread, { max });
  open.push({ thread, sql });
  return { thread, sql };
}

afterEach(async () => {
  for (const { thread, sql } of open.splice(0)) {
    await sql.end({ timeout: 1 }).catch(() => {});
    await thread.close();
  }
});

describe('PGlite worker thread', () => {
  it('answers typed queries through postgres.js, errors included, and the connection stays usable', async () => {
    const { sql } = await start();
    const [row] = await sql<
      { n: number; t: string; j: { a: number } }[]
    >`select ${41}::int + 1 as n, ${'x'}::text as t, '{"a":1}'::jsonb as j`;
    expect(row).toEqual({ n: 42, t: 'x', j: { a: 1 } });
    await expect(sql`select * from no_such_table`).rejects.toMatchObject({ code: '42P01' });
    const [again] = await sql<{ ok: number }[]>`select 1 as ok`;
    expect(again?.ok).toBe(1);
  });

  it('a second connection waits for the first one’s transaction and then sees its commit', async () => {
    const { sql } = await start();
    await sql`create table t (n int)`;
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = sql.begin(async (t) => {
      await t`insert into t values (1)`;
      order.push('inserted');
      await held;
      order.push('committing');
    });
    // Let the transaction open before the second connection asks.
    while (!order.includes('inserted')) await new Promise((r) => setTimeout(r, 5));
    const outside = sql`select count(*)::int as c from t`.then(([r]) => {
      order.push(`read ${r?.c}`);
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['inserted']); // not 'read 0': the session belongs to the transaction
    release();
    await Promise.all([tx, outside]);
    expect(order).toEqual(['inserted', 'committing', 'read 1']);
  });

  it('a connection that ends inside its transaction is rolled back, and the waiting one goes on', async () => {
    const { thread, sql } = await start(template.slice(0), 1);
    await sql`create table t (n int)`;
    // A raw connection (a second postgres.js client on the same thread) that leaves mid-transaction.
    const quitter = pgliteClient(thread, { max: 1 });
    const reserved = await quitter.reserve();
    await reserved`begin`;
    await reserved`insert into t values (1)`;
    const waiting = sql`select count(*)::int as c from t`;
    await quitter.end({ timeout: 0 });
    const [r] = await waiting;
    expect(r?.c).toBe(0);
    // The session is out of the quitter's transaction: no transaction id is held any more.
    const [xid] = await sql<{ x: string | null }[]>`select txid_current_if_assigned()::text as x`;
    expect(xid?.x).toBeNull();
  });

  it('opens a transaction while a deep pipeline of queries is in flight on the one connection', async () => {
    // postgres.js moves a connection to "full" past max_pipeline (100 by default) and then skips
    // `begin`'s onexecute hook, so `begin` threw "Cannot set properties of undefined (setting
    // 'onclose')" and the next query crashed the process: a burst of commands on the one PGlite
    // connection with a sync's transaction among them.
    const { sql } = await start(template.slice(0), 1);
    await sql`create table t (n int)`;
    // `begin` lands at every depth around the limit.
    for (let depth = 95; depth <= 105; depth++) {
      const burst = Array.from({ length: depth }, (_, i) => sql`select ${i}::int as i`);
      const tx = sql.begin(async (t) => {
        await t`insert into t values (1)`;
        return 'committed';
      });
      const after = Array.from({ length: 5 }, (_, i) => sql`select ${i}::int as i`);
      expect(await tx).toBe('committed');
      expect((await Promise.all([...burst, ...after])).length).toBe(depth + 5);
    }
    const [r] = await sql<{ c: number }[]>`select count(*)::int as c from t`;
    expect(r?.c).toBe(11);
  });

  it('a dump loads into a new thread with its rows', async () => {
    const first = await start();
    await first.sql`create table kept (v text)`;
    await first.sql`insert into kept values ('a'), ('b')`;
    const dump = await (await first.thread.dump()).arrayBuffer();
    const second = await start(dump);
    const rows = await second.sql<{ v: string }[]>`select v from kept order by v`;
    expect(rows.map((r) => r.v)).toEqual(['a', 'b']);
  });

  it('the event loop keeps turning while PGlite computes', async () => {
    const { sql } = await start();
    await sql`select 1`;
    let ticks = 0;
    let settled = false;
    const timer = setInterval(() => {
      if (!settled) ticks++;
    }, 1);
    // Heavy enough to take many milliseconds; on the main thread no timer could fire until it ended.
    const [r] = await sql<{ s: string }[]>`select sum(g)::text as s from generate_series(1, 3000000) g`;
    settled = true;
    clearInterval(timer);
    expect(r?.s).toBe('4500001500000');
    expect(ticks).toBeGreaterThan(2);
  });

  it('queries after close fail cleanly instead of hanging', async () => {
    const { thread, sql } = await start();
    await sql`select 1`;
    await thread.close();
    await expect(sql`select 1`).rejects.toThrow();
  });
});
