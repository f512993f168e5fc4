/**
 * The built service (`dist/app/cli.js`, the bundle `npm start` runs) as a long-running child process: its output collected line by
 * line, waits for a log line, and SIGKILL (a crash: no shutdown code runs). Replica and
 * fault-injection suites use it.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from './cli.js';

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first line (past or future) matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (a clean stop); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export function startServiceProcess(env: Record<string, string>, args: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (d: Buffer) => {
    text += d.toString();
    waiters = waiters.filter((w) => {
      const line = text.split('\n').find((l) => w.re.test(l));
      if (line === undefined) return true;
      w.resolve(line);
      return false;
    });
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => text,
    waitFor(re, timeoutMs = 30_000) {
      const line = text.split('\n').find((l) => re.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; output:\n${text.slice(-3000)}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 10_000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
