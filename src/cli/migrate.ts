/**
 * `credits-bot migrate`: apply the database migrations and say where.
 * @module
 */

import { configSecrets } from '../config.js';
import { openDb } from '../db/managed-store.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { config } from './common.js';

export async function runMigrate(): Promise<number> {
  const cfg = config();
  // Not buildCore: its store would open DATA_DIR too, and PGlite must be opened once per directory.
  const handle = await openDb(cfg, createLogger({ level: cfg.logLevel, secrets: configSecrets(cfg) }));
  await migrate(handle);
  await handle.close();
  process.stdout.write(`Migrations applied (${handle.kind}).\n`);
  return 0;
}
