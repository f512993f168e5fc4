/**
 * The shipping files say what the README and contract §8 promise: the Dockerfile's run stage, the
 * compose file's wait-for-Postgres, the Procfile's processes, the licence and the supported Node
 * versions. (The production tree itself is built and started in production-tree.test.ts.)
 * Dockerfile reference: https://docs.docker.com/reference/dockerfile/
 * Compose: https://docs.docker.com/reference/compose-file/services/#depends_on
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ROOT = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(resolve(ROOT, p), 'utf8');

/** Dockerfile instructions per stage, continuation lines joined, comments dropped. */
function dockerStages(text: string): { from: string; lines: string[] }[] {
  const joined = text.replace(/\\\n/g, ' ');
  const stages: { from: string; lines: string[] }[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^FROM\s/i.test(line)) stages.push({ from: line, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('shipping files', () => {
  const pkg = JSON.parse(read('package.json')) as {
    license: string;
    engines: { node: string };
    scripts: Record<string, string>;
    allowScripts?: Record<string, boolean>;
  };

  it('the Dockerfile builds in one stage and runs a slim Node 22/24 image as a non-root user with a health check', () => {
    const text = read('Dockerfile');
    const stages = dockerStages(text);
    expect(stages).toHaveLength(2);
    const [build, run] = stages as [(typeof stages)[0], (typeof stages)[0]];
    expect(build.lines.join('\n')).toMatch(/RUN npm ci\b/);
    expect(build.lines.join('\n')).toMatch(/RUN npm run build/);
    expect(text).toMatch(/ARG NODE_VERSION=(22|24)\b/);
    expect(run.from).toMatch(/^FROM node:\$\{NODE_VERSION\}-slim AS run$/);
    const body = run.lines.join('\n');
    expect(body).toMatch(/npm ci --omit=dev/);
    expect(body).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(body).toMatch(/^USER node$/m);
    expect(body).toMatch(/^VOLUME \/data$/m);
    expect(body).toMatch(/DATA_DIR=\/data/);
    expect(body).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(body).toMatch(/^HEALTHCHECK .*\/healthz/m);
    // The same command line as `npm start` (node flags included), as a JSON exec form.
    expect(body).toMatch(
      new RegExp(
        `^CMD ${escapeRegExp(JSON.stringify(String(pkg.scripts.start).split(' ')).replaceAll(',', ', '))}$`,
        'm',
      ),
    );
    expect(read('.dockerignore')).toMatch(/^\.env$/m);
  });

  it('compose runs the bot after a healthy Postgres, with DATABASE_URL pointing at it', () => {
    const compose = parseYaml(read('compose.yaml')) as {
      services: Record<string, Record<string, unknown>>;
    };
    const { bot, postgres } = compose.services as Record<string, Record<string, unknown>>;
    expect(postgres?.healthcheck).toBeTruthy();
    expect(bot?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(String((bot?.environment as Record<string, string> | undefined)?.DATABASE_URL ?? '')).toMatch(
      /^postgres:\/\/.+@postgres:5432\//,
    );
    expect(bot?.volumes).toContain('data:/data');
  });

  it('the Procfile has web, worker (Socket Mode) and release processes', () => {
    const procs = Object.fromEntries(
      read('Procfile')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/:\s*/, 2) as [string, string]),
    );
    // web and worker run exactly what `npm start` runs (its node flags: README, Performance).
    expect(pkg.scripts.start).toMatch(/^node (--[a-z-]+=\S+ )*dist\/app\/cli\.js$/);
    expect(procs).toEqual({
      web: pkg.scripts.start,
      worker: pkg.scripts.start,
      release: 'node dist/app/cli.js migrate',
    });
  });

  it('LICENSE is the MIT licence package.json names; engines keep Node 20.11+ and allow 22 and 24', () => {
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    expect(pkg.engines.node).toBe('>=20.11');
    expect(pkg.allowScripts?.esbuild).toBe(false);
    expect(pkg.scripts.prepare).toContain("require.resolve('typescript/package.json')");
  });
});
