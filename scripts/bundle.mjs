/**
 * Build step (`npm run build`, after tsc and the command catalog): bundles the built CLI into
 * dist/app/ with esbuild, which is what `npm start`, the Procfile, the container and the
 * `credits-bot` bin run. Resolving and reading ~1,500 module files (discord.js, Bolt and their
 * dependencies) was a third of the start-up; as ES module chunks the subcommands and adapters
 * still load only when used (dynamic imports become chunks). Measured in bench/startup.ts.
 *
 * Left outside the bundle, loaded from node_modules: what finds files next to itself at run time
 * (PGlite's WASM and data, resvg's native binding, the fonts, pino's transport threads) and the
 * chart libraries, which load only for a chart; plus discord.js's optional native add-ons.
 */
import { copyFileSync } from 'node:fs';
import { build } from 'esbuild';

const external = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@resvg/resvg-js',
  'dejavu-fonts-ttf',
  'pino',
  'pino-pretty',
  'thread-stream',
  'vega',
  'vega-lite',
  // discord.js / ws optional add-ons, required inside try/catch when installed.
  'zlib-sync',
  'bufferutil',
  'utf-8-validate',
];

await build({
  // The PGlite thread is its own entry: pglite-thread.ts starts it as ./pglite-worker.js next to itself.
  entryPoints: ['dist/cli.js', 'dist/db/pglite-worker.js'],
  outdir: 'dist/app',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // Bundled CommonJS code calls require() for Node built-ins; an ES module has none of its own.
  banner: {
    js: "import { createRequire as __credits_require } from 'node:module'; const require = __credits_require(import.meta.url);",
  },
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
// `ask help` reads the catalog next to the code (src/commands/catalog.ts).
copyFileSync('dist/commands/catalog.json', 'dist/app/catalog.json');
