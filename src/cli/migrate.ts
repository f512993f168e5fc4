/**
 * `credits-bot migrate`: apply the database migrations and say where.
 * @module
 */
import { openDb } from '../db/managed-store.js';
import { migrate } from '../db/migrate.js';
import { buildCore } from '../main.js';
import { config } from './common.js';

export async function runMigrate(): Promise<number> {
  const cfg = config();
  const core = buildCore(cfg);
  const handle = await openDb(cfg, core.log);
  await migrate(handle);
  await handle.close();
  process.stdout.write(`Migrations applied (${handle.kind}).\n`);
  return 0;
}
