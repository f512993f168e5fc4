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
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/**
 * discord.js and @discordjs/rest each carry their own copy of undici 6 (npm cannot hoist it next to
 * our undici 7), the same version twice: one copy in the bundle instead of two (~0.8 MB less to
 * compile at start-up). Refuses to merge copies whose versions differ.
 */
const oneDiscordUndici = {
  name: 'one-discord-undici',
  setup(b) {
    /** The undici directory Node would load for `importer`: the nearest node_modules/undici above it. */
    const undiciFor = (importer) => {
      for (let dir = dirname(importer); dir !== dirname(dir); dir = dirname(dir)) {
        if (existsSync(join(dir, 'node_modules/undici/package.json'))) return join(dir, 'node_modules/undici');
      }
      return undefined;
    };
    const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    const shared = 'node_modules/@discordjs/rest/node_modules/undici';
    b.onResolve({ filter: /^undici$/ }, (args) => {
      if (!/[/\\]node_modules[/\\](discord\.js|@discordjs)[/\\]/.test(args.importer)) return undefined;
      const own = undiciFor(args.importer);
      if (!own || !existsSync(shared) || own === join(process.cwd(), shared)) return undefined;
      if (version(own) !== version(shared)) return undefined;
      return { path: join(process.cwd(), shared, JSON.parse(readFileSync(join(shared, 'package.json'), 'utf8')).main) };
    });
  },
};

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

// esbuild does not empty its outdir: chunks of an earlier build (other hashes) would pile up.
rmSync('dist/app', { recursive: true, force: true });
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
  // Whitespace and syntax only: identifiers stay, so stack traces in the logs name real functions.
  // (Renaming them too took the loaded source from 5.4 to 4.2 MB but measured no change in resident
  // size or start-up.) keepNames: error and class names stay as written.
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [oneDiscordUndici],
});
// `ask help` reads the catalog next to the code (src/commands/catalog.ts).
copyFileSync('dist/commands/catalog.json', 'dist/app/catalog.json');
