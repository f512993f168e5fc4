/**
 * Where and how the logger writes, in a real child process: JSON lines when the stream is not a
 * terminal, pino-pretty's readable lines when it is (the child marks its stdout as a terminal, the
 * way Node does for a TTY), secrets masked either way, and nothing lost when the process exits.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = pathToFileURL(resolve(import.meta.dirname, '../../dist/logger.js')).href;
const SECRET = 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function run(opts: { tty: boolean; to?: 'stdout' | 'stderr' }) {
  const script = `
    ${opts.tty ? 'process.stdout.isTTY = true; process.stderr.isTTY = true;' : ''}
    const { createLogger } = await import(${JSON.stringify(LOGGER)});
    const log = createLogger({ level: 'info', secrets: [${JSON.stringify(SECRET)}]${opts.to ? `, to: '${opts.to}'` : ''} });
    for (let i = 0; i < 2000; i++) log.info({ i }, 'line');
    log.info({ apiKey: 'x' }, 'key is ${SECRET}');
    log.warn('last line');
    process.exit(0);
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
}

describe('logger output', () => {
  it('writes JSON lines to stdout when it is not a terminal, all of them even when the process exits at once', () => {
    const r = run({ tty: false, to: 'stdout' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2002);
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(parsed.at(-1)).toMatchObject({ msg: 'last line', level: 40 });
    expect(r.stdout).not.toContain(SECRET);
  });

  it('writes readable pino-pretty lines, not JSON, when the stream is a terminal', () => {
    const r = run({ tty: true, to: 'stdout' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const last = lines.at(-1) ?? '';
    expect(last).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARN: last line$/);
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(lines.filter((l) => / INFO: line$/.test(l))).toHaveLength(2000);
    expect(r.stdout).not.toContain(SECRET);
  });

  it('defaults to stderr, so a one-shot command keeps stdout for its answer', () => {
    const r = run({ tty: false });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(2002);
  });
});
