import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const CORE_DIRS = ['src/commands', 'src/domain', 'src/db', 'src/jobs', 'src/digest', 'src/reconcile', 'src/openrouter'];
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
