/**
 * Build step (`npm run build`, after tsc): writes dist/commands/catalog.json from the command
 * declarations (see catalog.ts). Run only from dist/.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { CATALOG_FILE, catalogOf } from './catalog.js';
import { commands } from './index.js';

writeFileSync(CATALOG_FILE, `${JSON.stringify(catalogOf(commands))}\n`);
