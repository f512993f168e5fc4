/**
 * A throwaway PostgreSQL server for the benchmarks: `initdb` in a temp dir, started on 127.0.0.1 at a
 * free port with its socket in that dir, stopped and removed at the end (also on exit and Ctrl-C).
 * As root it runs the server binaries as the `postgres` OS user (`initdb`/`postgres` refuse root).
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { findPgBin, freePort } from '../../test/support/pg-server.js';

export { freePort };

export interface PgServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  version: string;
  binDir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a server, or returns why it cannot. */
export async function startPgServer(): Promise<PgServer | { skipped: string }> {
  const binDir = findPgBin();
  if (!binDir) {
    return {
      skipped:
        'no PostgreSQL server binaries (initdb, pg_ctl) found in $PG_BIN, /usr/lib/postgresql/*/bin, pg_config or PATH; install postgresql (apt-get install postgresql) to run these',
    };
  }
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    try {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    } catch {
      return { skipped: 'running as root and there is no `postgres` OS user to run the server as' };
    }
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, cmd), ...args]]
      : [join(binDir, cmd), args];
    const r = spawnSync(file as string, argv as string[], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0)
      throw new Error(`${cmd} failed (${r.status}): ${(r.stderr || r.stdout || String(r.error)).slice(-2000)}`);
    return r.stdout;
  };

  const dir = mkdtempSync(join(tmpdir(), 'credits-bench-pg-'));
  if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      if (existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    } catch {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // nothing more to do; the directory is removed below
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => stopSync();
  process.once('exit', onExit);

  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60`,
      'start',
    ]);
  } catch (error) {
    stopSync();
    process.removeListener('exit', onExit);
    return { skipped: `could not start a throwaway PostgreSQL server: ${(error as Error).message.split('\n')[0]}` };
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const [row] = await admin<{ v: string }[]>`select current_setting('server_version') as v`;
  return {
    url,
    version: `PostgreSQL ${row?.v ?? '?'}`,
    binDir,
    async createDatabase(name) {
      await admin.unsafe(`drop database if exists "${name}"`);
      await admin.unsafe(`create database "${name}"`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await admin.end({ timeout: 5 }).catch(() => {});
      stopSync();
      process.removeListener('exit', onExit);
    },
  };
}
