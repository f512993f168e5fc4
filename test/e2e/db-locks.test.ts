import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate, migrationsFolder } from '../../src/db/migrate.js';
import { describeEachBackend, POSTGRES_SKIP_REASON } from '../support/db.js';

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describeEachBackend('advisory lock in one process', (s) => {
  it('runs one holder at a time and frees the key afterwards', async () => {
    const gate = deferred();
    const first = s.t.handle.withAdvisoryLock('job', async () => {
      await gate.promise;
      return 'first';
    });
    expect(await s.t.handle.withAdvisoryLock('job', async () => 'second')).toEqual({ ran: false });
    expect(await s.t.handle.withAdvisoryLock('other', async () => 1)).toEqual({ ran: true, value: 1 });
    gate.resolve();
    expect(await first).toEqual({ ran: true, value: 'first' });
    expect(await s.t.handle.withAdvisoryLock('job', async () => 'third')).toEqual({ ran: true, value: 'third' });
  });

  it('releases the key when the work throws', async () => {
    await expect(s.t.handle.withAdvisoryLock('job', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await s.t.handle.withAdvisoryLock('job', async () => 1)).toEqual({ ran: true, value: 1 });
  });
});

const adminUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!adminUrl)(`two processes on one Postgres${adminUrl ? '' : ` (${POSTGRES_SKIP_REASON})`}`, () => {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = adminUrl ? postgres(adminUrl, { max: 1, onnotice: () => {} }) : undefined;
  const handles: DbHandle[] = [];
  const open = async () => {
    const url = new URL(adminUrl ?? '');
    url.pathname = `/${name}`;
    const h = await createDb({ databaseUrl: url.toString(), max: 2 });
    handles.push(h);
    return h;
  };

  afterAll(async () => {
    for (const h of handles) await h.close();
    await admin?.unsafe(`drop database if exists "${name}" with (force)`);
    await admin?.end();
  });

  it('migrate concurrently on an empty database: both succeed, applied once', async () => {
    await admin?.unsafe(`create database "${name}"`);
    const [a, b, c] = [await open(), await open(), await open()];
    await Promise.all([migrate(a), migrate(b), migrate(c)]);
    if (a.kind !== 'postgres') throw new Error('expected postgres');
    const journal = await a.raw.unsafe('select count(*)::int as n from drizzle.__drizzle_migrations');
    // Applied once each: one journal row per migration file, not three.
    expect(journal[0]?.n).toBe(readdirSync(migrationsFolder()).filter((f) => f.endsWith('.sql')).length);
  });

  it('an advisory lock held by one handle is refused to another until released', async () => {
    const [a, b] = [await open(), await open()];
    const gate = deferred();
    const held = a.withAdvisoryLock('sync', async () => {
      await gate.promise;
      return 'a';
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(await b.withAdvisoryLock('sync', async () => 'b')).toEqual({ ran: false });
    gate.resolve();
    expect(await held).toEqual({ ran: true, value: 'a' });
    expect(await b.withAdvisoryLock('sync', async () => 'b')).toEqual({ ran: true, value: 'b' });
  });

  it('closing a holder frees its lock for the others', async () => {
    const [a, b] = [await open(), await open()];
    const gate = deferred();
    const held = a.withAdvisoryLock('digest', () => gate.promise);
    await new Promise((r) => setTimeout(r, 50));
    expect((await b.withAdvisoryLock('digest', async () => 1)).ran).toBe(false);
    gate.resolve();
    await held;
    await a.close();
    expect(await b.withAdvisoryLock('digest', async () => 1)).toEqual({ ran: true, value: 1 });
  });
});
