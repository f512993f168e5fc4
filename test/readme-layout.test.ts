import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** The paths named at the start of each line of the README's layout block. */
function layoutPaths(readme: string): string[] {
  const at = readme.indexOf('Layout, top to bottom');
  const block = readme.slice(at).match(/```text\n([\s\S]*?)```/);
  if (at < 0 || !block?.[1]) throw new Error('README has no layout block');
  return block[1]
    .split('\n')
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((p) => p.length > 0);
}

/** The named paths that do not exist in the repository. */
function missingPaths(paths: string[]): string[] {
  return paths.filter((p) => {
    try {
      statSync(join(root, p));
      return false;
    } catch {
      return true;
    }
  });
}

describe('the README layout matches the tree', () => {
  const paths = layoutPaths(readFileSync(join(root, 'README.md'), 'utf8'));

  it('every path it names exists', () => {
    expect(missingPaths(paths)).toEqual([]);
  });

  it('every folder of src/ is named', () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `src/${e.name}/`);
    expect(folders.filter((f) => !paths.includes(f))).toEqual([]);
  });

  it('fails on a layout that names a folder that does not exist (the check can fail)', () => {
    const paths = layoutPaths('Layout, top to bottom\n```text\nsrc/core/   x\nsrc/nowhere/   y\n```');
    expect(missingPaths(paths)).toEqual(['src/nowhere/']);
  });
});
