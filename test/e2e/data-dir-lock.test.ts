/**
 * One process per embedded store, with real OS processes on the built bin: the service holds
 * DATA_DIR; `ask` is answered by the running service; a second `sync`, `migrate` or service exits 2 with one line naming the holder and
 * DATABASE_URL, and writes nothing; the service keeps running with its data. A stale lock (a pid
 * that cannot exist on this host) is taken over; a lock from another host is not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../src/db/data-dir-lock.js';
import { formatUsd } from '../../src/domain/money.js';
import { SERVICE_FILE } from '../../src/http/local-ask.js';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { CLI, runCli } from '../support/cli.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';
import { freePort } from '../support/pg-server.js';

/** Above the largest pid_max Linux allows (2^22), so no process can have it. */
const IMPOSSIBLE_PID = 4_194_305;

let or: TestOpenRouter;
const dirs: string[] = [];

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credits-lock-'));
  dirs.push(dir);
  return dir;
}

function env(dataDir: string): Record<string, string> {
  return {
    OPENROUTER_BASE_URL: or.sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
  };
}

async function until(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  or = await startTestOpenRouter({ now: new Date() });
});
afterAll(async () => {
  await or?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('one process per DATA_DIR', () => {
  it('a second process exits 2 with one line naming the holder; the service keeps running with its data', async () => {
    const dataDir = freshDir();
    const port = await freePort();
    const service: ChildProcess = spawn(process.execPath, [CLI], {
      env: { PATH: process.env.PATH ?? '', ...env(dataDir), PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let serviceExit: number | null | undefined;
    service.once('exit', (code) => {
      serviceExit = code;
    });
    try {
      const ready = () =>
        fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
      await until(ready, 90_000);
      const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number; host: string };
      expect(lock).toMatchObject({ pid: service.pid, host: hostname() });

      const stateBefore = statSync(join(dataDir, 'PG_VERSION')).mtimeMs;
      for (const args of [['sync'], ['migrate'], []]) {
        const r = await runCli(args, { ...env(dataDir), PORT: String(await freePort()) }, { timeoutMs: 30_000 });
        expect(r.code, `credits-bot ${args.join(' ')}`).toBe(2);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`process ${service.pid} on ${hostname()}`);
        expect(lines[0]).toContain('DATABASE_URL');
      }
      // `ask` is answered by the running service (its token in a 0600 file in DATA_DIR), which writes the audit row.
      const endpointFile = join(dataDir, SERVICE_FILE);
      expect(statSync(endpointFile).mode & 0o777).toBe(0o600);
      const asked = await runCli(['ask', 'balance'], { ...env(dataDir), PORT: String(await freePort()) });
      expect(asked.stderr).toBe('');
      expect(asked.code).toBe(0);
      const { account } = or.sim.state;
      expect(asked.stdout).toContain(`Balance: ${formatUsd(account.totalCredits - account.totalUsage)}`);
      const misunderstood = await runCli(['ask', 'frobnicate'], env(dataDir));
      expect(misunderstood.code).toBe(2);
      // The route answers nobody without the token, and nothing but a command body with it.
      const { url, token } = JSON.parse(readFileSync(endpointFile, 'utf8')) as { url: string; token: string };
      const post = (headers: Record<string, string>, body: string) =>
        fetch(`${url}/local/ask`, { method: 'POST', headers, body }).then((r) => r.status);
      expect(await post({}, '{"text":"balance"}')).toBe(403);
      expect(await post({ authorization: 'Bearer wrong' }, '{"text":"balance"}')).toBe(403);
      expect(await post({ authorization: `Bearer ${token}` }, 'x'.repeat(20_000))).toBe(400);
      expect(await post({ authorization: `Bearer ${token}` }, '{"nope":1}')).toBe(400);

      // Still the service's lock, the service still ready and its store untouched by the others.
      expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: service.pid });
      expect(await ready()).toBe(true);
      expect(statSync(join(dataDir, 'PG_VERSION')).mtimeMs).toBe(stateBefore);
      expect(serviceExit).toBeUndefined();

      // Stopped cleanly, it releases the lock, and the next process sees the data it kept.
      const exited = new Promise<number | null>((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
      expect(existsSync(endpointFile)).toBe(false);
      const after = await runCli(['sync'], env(dataDir), { timeoutMs: 30_000 });
      expect(after.code).toBe(0);
      expect(JSON.parse(after.stdout)).toMatchObject({ errors: [] });
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    } finally {
      service.kill('SIGKILL');
    }
  }, 180_000);

  it('takes over a stale lock whose pid is gone on this host', async () => {
    const dataDir = freshDir();
    const stale = { pid: IMPOSSIBLE_PID, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify(stale));
    const r = await runCli(['migrate'], env(dataDir), { timeoutMs: 80_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Migrations applied (pglite)');
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  }, 90_000);

  it('leaves a lock from another host alone (its processes cannot be seen from here)', async () => {
    const dataDir = freshDir();
    const other = { pid: IMPOSSIBLE_PID, host: `not-${hostname()}`, since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify(other));
    const r = await runCli(['sync'], env(dataDir), { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`process ${IMPOSSIBLE_PID} on not-${hostname()} (since 2026-01-01T00:00:00.000Z)`);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'))).toEqual(other);
  });

  it('in one process: a second acquire fails until the first is released', () => {
    const dataDir = freshDir();
    const first = acquireDataDirLock(dataDir);
    expect(() => acquireDataDirLock(dataDir)).toThrow(DataDirLockedError);
    first.release();
    const second = acquireDataDirLock(dataDir);
    expect(JSON.parse(readFileSync(second.path, 'utf8'))).toMatchObject({ pid: process.pid });
    second.release();
    expect(existsSync(second.path)).toBe(false);
  });
});
