/**
 * The command line as an operator meets it: `--version` and `--help`; `sync` quiet in a pipe and
 * with a progress bar on a terminal; the console REPL on a real pseudo-terminal (util-linux
 * `script`) showing no log line in the session. The built CLI (dist/cli.js) runs as a child process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../../src/openrouter/simulator/seed.js';
import { CLI, runCli } from '../support/cli.js';
import { startTestOpenRouter, type TestOpenRouter } from '../support/openrouter.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
const BAR = /[░█]/;

let or: TestOpenRouter;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  or = await startTestOpenRouter({ now: new Date() });
  dataDir = mkdtempSync(join(tmpdir(), 'credits-tty-'));
  env = {
    OPENROUTER_BASE_URL: or.sim.url,
    OPENROUTER_API_KEY: DEMO_INFERENCE_KEY,
    OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  await runCli(['migrate'], env);
});

afterAll(async () => {
  await or?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Runs the CLI on a pseudo-terminal (`script -q -e -c`), typing `lines` one by one once `ready`
 * shows up in the output; resolves with everything the terminal showed.
 */
function onTerminal(args: string[], opts: { ready?: string; lines?: string[]; timeoutMs?: number } = {}) {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-f', '-c', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let typed = 0;
    const typeNext = () => {
      const line = opts.lines?.[typed];
      if (line === undefined) return;
      typed += 1;
      child.stdin.write(`${line}\r`);
    };
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      // Type the next line each time a fresh prompt appears.
      const prompts = opts.ready ? output.split(opts.ready).length - 1 : 0;
      if (prompts > typed) typeNext();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('credits-bot on the command line', () => {
  it('--version prints the package version; --help lists the commands and exits 0', async () => {
    const version = await runCli(['--version'], env);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${PACKAGE.version}\n`);
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('credits-bot ask "<text>"');
    expect(help.stdout).toContain('--version');
  });

  it('sync in a pipe draws no progress bar: stdout is the JSON summary, stderr has no bar', async () => {
    const r = await runCli(['sync'], { ...env, LOG_LEVEL: 'error' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ errors: [] });
    expect(r.stderr).not.toMatch(BAR);
    expect(r.stderr).not.toContain('\r');
  });

  it.skipIf(!HAS_SCRIPT)('sync on a terminal draws a progress bar', async () => {
    const r = await onTerminal(['sync'], {});
    expect(r.code).toBe(0);
    expect(r.output).toMatch(BAR);
    expect(r.output).toMatch(/\d+%/);
  });

  it.skipIf(!HAS_SCRIPT)('the console REPL on a terminal shows no log line in the session', async () => {
    const r = await onTerminal([], { ready: 'credits> ', lines: ['balance', 'help', 'exit'] });
    expect(r.output).toContain('credits> ');
    expect(r.output).toMatch(/Balance: \$/);
    expect(r.output).toContain('home       Overview');
    // No JSON log line and no pino-pretty line ("[00:00:00] INFO: …") anywhere in what the terminal showed.
    expect(r.output).not.toMatch(/\{"level"/);
    expect(r.output).not.toMatch(/INFO|WARN|ERROR/);
    // The logs went to the file named in the banner.
    const log = readFileSync(join(dataDir, 'console.log'), 'utf8');
    expect(log).toMatch(/"level":30/);
  });
});
