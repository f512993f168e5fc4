/**
 * The production tree, built the way the Dockerfile's run stage builds it (no container engine
 * here): the built repo's package.json, package-lock.json, dist/ and drizzle/ in an empty
 * directory, `npm ci --omit=dev` with lifecycle scripts on (so `prepare` runs without TypeScript),
 * then `npm start`'s command line (`node … dist/app/cli.js`, the bundle) on a fresh DATA_DIR: /healthz 200, /readyz 200 (the embedded store
 * migrated), JSON log lines on stdout, and SIGTERM exits 0.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/pg-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8' });
const npmMissing = npmVersion.status !== 0;

/** The caller's env without settings an outer `npm test` passes down that would change the install. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^npm_(config_(omit|only|production|ignore_scripts|include|dry_run|global|prefix)|lifecycle_|package_)/i.test(k)
    )
      continue;
    if (/^(OPENROUTER_|SLACK_|DISCORD_|DATABASE_URL|TEST_DATABASE_URL|INGEST_TOKEN|METRICS_TOKEN)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => res({ code, signal }));
  });
}

async function poll(url: string, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let last = 0;
  while (Date.now() < deadline) {
    last = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (last === 200) return 200;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

describe.skipIf(npmMissing)(
  `production tree (npm ${npmMissing ? 'is not available: skipped' : npmVersion.stdout.trim()})`,
  () => {
    let dir: string;
    let install: ReturnType<typeof spawnSync>;

    beforeAll(() => {
      if (!existsSync(join(ROOT, 'dist/app/cli.js')))
        throw new Error('dist/app/cli.js is missing: run `npm run build` first');
      dir = mkdtempSync(join(tmpdir(), 'credits-prod-'));
      for (const part of ['package.json', 'package-lock.json', 'dist', 'drizzle']) {
        cpSync(join(ROOT, part), join(dir, part), { recursive: true });
      }
      install = spawnSync(
        'npm',
        ['ci', '--omit=dev', '--ignore-scripts=false', '--prefer-offline', '--no-audit', '--no-fund'],
        { cwd: dir, env: cleanEnv({}), encoding: 'utf8', timeout: 540_000 },
      );
    }, 600_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('npm ci --omit=dev succeeds on the built tree: prepare keeps dist/, no dev dependency is installed', () => {
      expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
      expect(String(install.stdout)).toContain('prepare: no TypeScript here');
      expect(existsSync(join(dir, 'dist/app/cli.js'))).toBe(true);
      expect(existsSync(join(dir, 'node_modules/pino/package.json'))).toBe(true);
      for (const dev of ['typescript', 'vitest', '@biomejs/biome', 'drizzle-kit', 'tsx']) {
        expect(existsSync(join(dir, 'node_modules', dev)), dev).toBe(false);
      }
    });

    it("npm start's command line (the bundle in dist/app) serves /healthz and /readyz on a fresh DATA_DIR, logs JSON to stdout, and exits 0 on SIGTERM", async () => {
      expect(install.status).toBe(0);
      const port = await freePort();
      const [, ...startArgs] = (
        JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
      ).scripts.start.split(' ');
      const child = spawn(process.execPath, startArgs, {
        cwd: dir,
        env: cleanEnv({ DATA_DIR: join(dir, 'data'), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const exited = exitOf(child);
      try {
        const base = `http://127.0.0.1:${port}`;
        expect(await poll(`${base}/healthz`, 60_000), stderr).toBe(200);
        expect(await poll(`${base}/readyz`, 60_000), stderr).toBe(200);
        expect(existsSync(join(dir, 'data'))).toBe(true);
        child.kill('SIGTERM');
        const result = await Promise.race([
          exited,
          new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000)),
        ]);
        expect(result, stderr).toEqual({ code: 0, signal: null });
        const lines = stdout.split('\n').filter(Boolean);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
        expect(lines.some((l) => JSON.parse(l).msg === 'http server listening')).toBe(true);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
    }, 180_000);
  },
);
