/**
 * Runs the built `credits-bot` bin (dist/app/cli.js, the bundle that ships; `npm test` builds first) as a child process.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/app/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with exactly `env` (plus PATH), never the developer's own environment or .env. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  opts: { input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  return runProcess([CLI, ...args], env, opts);
}

/**
 * Runs `node <args>` with exactly `env` (plus PATH), collects its output, and kills it with SIGKILL
 * after `timeoutMs`. `runCli` and the suites that start `src/` through tsx or a helper script use it.
 */
export function runProcess(
  nodeArgs: string[],
  env: Record<string, string>,
  opts: { input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: opts.cwd ?? fileURLToPath(new URL('../e2e/', import.meta.url)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
