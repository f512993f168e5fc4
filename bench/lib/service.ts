/**
 * The service as production runs it (`npm start`'s node flags and the bundle, `dist/app/cli.js`) in a child process, so its latency and
 * resident size are not mixed with the load generator's. dist/ is rebuilt first when missing or
 * older than src/.
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './pg-server.js';
import { sleep } from './stats.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `npm start` runs: the bundle in dist/app (scripts/bundle.mjs); BENCH_CLI=dist/cli.js measures tsc's output instead. */
export const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'app', 'cli.js');
/** The node flags of `npm start` (package.json), which Procfile and Dockerfile use too: measured as shipped. */
export const START_FLAGS: string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter((w) => w.startsWith('--'));
})();
const HOOKS = pathToFileURL(fileURLToPath(new URL('./child-hooks.mjs', import.meta.url))).href;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ (`npm run build`: tsc, the command catalog, the bundle) when dist/app/cli.js is missing or older than any src file. */
export function ensureBuilt(log: (line: string) => void): void {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestMtime(join(ROOT, 'src'))) return;
  log(built ? 'dist/ is older than src/: building (npm run build)…' : 'no dist/: building…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}

export interface MemoryReading {
  /** Resident set size from /proc (what the OS charges), MB. */
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

export interface ServiceChild {
  pid: number;
  url: string;
  /** ms from spawn to the first 200 on /readyz. */
  readyMs: number;
  /** Forces a GC in the child and reads its memory. */
  memory(): Promise<MemoryReading>;
  /** The last output lines (for errors). */
  tail(): string;
  /** The last error-level log line, or ''. */
  lastError(): string;
  stop(): Promise<void>;
}

const MB = 1024 * 1024;

/** Children still running: killed if the runner exits early (Ctrl-C, a crash). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function procRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * Spawns the service with exactly `env` (plus PATH, HOST, PORT) in `cwd` (a temp dir without .env)
 * and waits for /readyz. `hooks` adds --expose-gc and the IPC memory hook.
 */
export async function spawnService(
  env: Record<string, string>,
  opts: { cwd: string; hooks?: boolean; readyTimeoutMs?: number },
): Promise<ServiceChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = process.env.BENCH_CPU_PROF_DIR;
  const args = [
    ...START_FLAGS,
    ...(opts.hooks ? ['--expose-gc', '--import', HOOKS] : []),
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
    // V8 experiments, e.g. BENCH_NODE_FLAGS=--max-semi-space-size=2
    ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
    CLI,
  ];
  // Allocator experiments (MALLOC_ARENA_MAX=2) pass through; nothing else of the parent's env does.
  const passThrough = Object.fromEntries(
    ['MALLOC_ARENA_MAX'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  );
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...passThrough, ...env },
    stdio: opts.hooks ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const lines: string[] = [];
  let lastError = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (text.includes('"level":50'))
      lastError =
        text
          .split('\n')
          .filter((l) => l.includes('"level":50'))
          .at(-1) ?? lastError;
    lines.push(text);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const tail = () => lines.join('').split('\n').slice(-20).join('\n');

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  let readyMs = Number.NaN;
  for (;;) {
    if (exited !== undefined) throw new Error(`service exited (${exited}) before ready:\n${tail()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service not ready within ${opts.readyTimeoutMs ?? 120_000} ms:\n${tail()}`);
    }
    await sleep(10);
  }

  return {
    pid: child.pid as number,
    url,
    readyMs,
    tail,
    lastError: () => lastError,
    memory() {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no memory answer from the service')), 10_000);
        child.once('message', (m: unknown) => {
          clearTimeout(timer);
          const mem = (m as { memory: NodeJS.MemoryUsage }).memory;
          resolve({
            rssMb: procRss(child.pid as number),
            heapUsedMb: mem.heapUsed / MB,
            heapTotalMb: mem.heapTotal / MB,
            externalMb: mem.external / MB,
            arrayBuffersMb: mem.arrayBuffers / MB,
          });
        });
        child.send?.('memory');
      });
    },
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
