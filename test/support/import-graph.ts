/**
 * The import graph of `src/` (static imports, `export … from` re-exports, side-effect imports and
 * dynamic `import()` alike), and the layering rules the boundary test enforces. A small scanner, not
 * the compiler API: TypeScript 7 (the Go port) ships no JS API. Pure functions over a
 * `{ path: text }` map, so a test can feed them a synthetic tree.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** Repository-relative path (posix) → source text. */
export type SourceSet = ReadonlyMap<string, string>;

export interface Edge {
  from: string;
  /** The resolved repository-relative file for a relative specifier, else the bare package name. */
  to: string;
  dynamic: boolean;
  /** `import type …` / `export type … from`: erased at runtime. */
  typeOnly: boolean;
}

/** Reads every non-test `.ts` file under `dir` (repository-relative). */
export function readSources(root: string, dir = 'src'): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      const path = join(abs, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
        out.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, dir));
  return out;
}

/** Comments removed (block comments anywhere, line comments that start a line), so examples in docs do not count. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const STATIC = /(?:^|[;\s])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?(['"])([^'"]+)\2/g;
const DYNAMIC = /\bimport\(\s*(['"`])([^'"`]+)\1\s*\)/g;

/** The module specifiers a file names, each marked dynamic (`import('x')`) or not. */
export function specifiers(text: string): { spec: string; dynamic: boolean; typeOnly: boolean }[] {
  const code = stripComments(text);
  return [
    ...[...code.matchAll(STATIC)].map((m) => ({ spec: m[3] ?? '', dynamic: false, typeOnly: m[1] !== undefined })),
    ...[...code.matchAll(DYNAMIC)].map((m) => ({ spec: m[2] ?? '', dynamic: true, typeOnly: false })),
  ];
}

/** Every import of every file; relative specifiers resolved (`./x.js` → `dir/x.ts`). */
export function importEdges(sources: SourceSet): Edge[] {
  const edges: Edge[] = [];
  for (const [from, text] of sources) {
    for (const { spec, dynamic, typeOnly } of specifiers(text)) {
      const to = spec.startsWith('.')
        ? posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts')
        : spec;
      edges.push({ from, to, dynamic, typeOnly });
    }
  }
  return edges;
}

const ENTRY = /^src\/(cli\.ts|cli\/|main\.ts|demo\.ts)/;
const ADAPTER = /^src\/adapters\/(slack|discord|console)\//;
const CORE_FOLDERS = /^src\/(commands|domain|db|jobs|digest|reconcile|openrouter|core|http)\//;
const PLATFORM_SDK = /^(@slack\/|discord\.js$|@discordjs\/|discord-api-types)/;

/** Layers, top to bottom; an import may point to its own layer or lower, never higher. */
const LAYERS: readonly RegExp[] = [
  /^src\/(cli\.ts|cli\/|main\.ts|demo\.ts)/,
  /^src\/adapters\//,
  /^src\/commands\//,
  /^src\/(jobs|digest|http|reconcile)\//,
  /^src\/(domain|db|openrouter|core)\//,
  /^src\/[^/]+\.ts$/,
];
const layerOf = (file: string) => LAYERS.findIndex((re) => re.test(file));

/** Human-readable rule violations; empty when the tree keeps every rule. */
export function boundaryViolations(sources: SourceSet): string[] {
  const out: string[] = [];
  for (const e of importEdges(sources)) {
    const how = e.dynamic ? 'import()s' : 'imports';
    if (!ENTRY.test(e.from) && e.to === 'src/main.ts') out.push(`${e.from} ${how} ${e.to}`);
    const adapter = ADAPTER.exec(e.to)?.[1];
    if (adapter && !ENTRY.test(e.from) && !e.from.startsWith(`src/adapters/${adapter}/`))
      out.push(`${e.from} ${how} the ${adapter} adapter (${e.to})`);
    if (CORE_FOLDERS.test(e.from) && PLATFORM_SDK.test(e.to)) out.push(`${e.from} ${how} ${e.to}`);
    // The ground floor runs nothing of ours: outside src/core it may only name types.
    if (e.from.startsWith('src/core/') && e.to.startsWith('src/') && !e.to.startsWith('src/core/') && !e.typeOnly)
      out.push(`${e.from} ${how} ${e.to} (src/core may only import types from outside src/core)`);
    if (e.to.startsWith('src/')) {
      const [a, b] = [layerOf(e.from), layerOf(e.to)];
      if (a >= 0 && b >= 0 && b < a) out.push(`${e.from} ${how} upward into ${e.to}`);
    }
  }
  return out;
}

/** Import cycles among the given files (Tarjan's strongly connected components of size > 1, or a self-import). */
export function importCycles(sources: SourceSet): string[][] {
  const next = new Map<string, string[]>();
  for (const e of importEdges(sources)) if (sources.has(e.to)) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of sources.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
