import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, importCycles, importEdges, readSources } from './support/import-graph.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CORE_DIRS = [
  'src/commands',
  'src/domain',
  'src/db',
  'src/jobs',
  'src/digest',
  'src/reconcile',
  'src/openrouter',
  'src/core',
  'src/http',
];
const PLATFORM_IMPORT =
  /from\s+['"](@slack\/[^'"]+|discord\.js|@discordjs\/[^'"]+|discord-api-types[^'"]*)['"]|import\(\s*['"](@slack\/|discord)/;
const ENV_READ = /process\.env/;

function walk(dir: string): string[] {
  const abs = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return walk(relative(ROOT, path));
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture boundaries', () => {
  it('the core never imports a platform SDK', () => {
    const offenders = CORE_DIRS.flatMap(walk)
      .filter((file) => !file.endsWith('.test.ts'))
      .filter((file) => PLATFORM_IMPORT.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('only src/config.ts reads process.env', () => {
    const offenders = walk('src')
      .filter((file) => !file.endsWith('.test.ts'))
      .filter((file) => ENV_READ.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual(['src/config.ts']);
  });

  it('finds the core files it guards (the test cannot pass vacuously)', () => {
    expect(walk('src/commands').length).toBeGreaterThan(3);
  });
});

describe('import graph', () => {
  const tree = readSources(ROOT);

  it('reads the whole tree, dynamic imports included (the checks cannot pass vacuously)', () => {
    expect(tree.size).toBeGreaterThan(80);
    const edges = importEdges(tree);
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'src/cli.ts', to: 'src/cli/digest.ts', dynamic: true, typeOnly: false });
  });

  it('every import points down: no main or platform adapter below the entry points, no SDK in the core', () => {
    expect(boundaryViolations(tree)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(tree)).toEqual([]);
  });

  it('catches violations, dynamic import() and re-exports included (a synthetic tree)', () => {
    const synthetic = new Map([
      ['src/main.ts', "import { x } from './jobs/run.js';"],
      ['src/jobs/run.ts', "export async function f() { const { buildCore } = await import('../main.js'); }"],
      ['src/digest/post.ts', "const m = await import( '../adapters/slack/slack-adapter.js' );"],
      ['src/db/x.ts', "export { App } from '@slack/bolt';"],
      ['src/core/y.ts', "import type { Client } from 'discord.js';\nimport type { Config } from '../config.js';"],
      ['src/core/w.ts', "import { loadConfig } from '../config.js';"],
      ['src/http/z.ts', "import type { Bot } from '../commands/dispatch.js';"],
      ['src/adapters/discord/render.ts', "import { renderTable } from '../console/render-text.js';"],
      ['src/adapters/slack/blocks.ts', "import { LIMITS } from './limits.js';"],
      ['src/cli/digest.ts', "import { createSlackAdapter } from '../adapters/slack/slack-adapter.js';"],
      ['src/commands/help.ts', "// import { buildCore } from '../main.js';\n/* import('../main.js') */"],
    ]);
    expect(boundaryViolations(synthetic)).toEqual([
      'src/jobs/run.ts import()s src/main.ts',
      'src/jobs/run.ts import()s upward into src/main.ts',
      'src/digest/post.ts import()s the slack adapter (src/adapters/slack/slack-adapter.ts)',
      'src/digest/post.ts import()s upward into src/adapters/slack/slack-adapter.ts',
      'src/db/x.ts imports @slack/bolt',
      'src/core/y.ts imports discord.js',
      'src/core/w.ts imports src/config.ts (src/core may only import types from outside src/core)',
      'src/http/z.ts imports upward into src/commands/dispatch.ts',
      'src/adapters/discord/render.ts imports the console adapter (src/adapters/console/render-text.ts)',
    ]);
  });

  it('finds a cycle, through a dynamic import() too (a synthetic tree)', () => {
    const cyclic = new Map([
      ['src/main.ts', "import { a } from './jobs/a.js';"],
      ['src/jobs/a.ts', "import { b } from './b.js';"],
      ['src/jobs/b.ts', "const m = await import('../main.js');"],
      ['src/jobs/c.ts', "import { a } from './a.js';"],
    ]);
    expect(importCycles(cyclic)).toEqual([['src/jobs/a.ts', 'src/jobs/b.ts', 'src/main.ts']]);
    expect(importCycles(new Map([...cyclic].filter(([path]) => path !== 'src/jobs/b.ts')))).toEqual([]);
  });
});
