/**
 * What every subcommand shares: print-and-exit on failure, and the config (a ConfigError is a
 * clear message and exit code 1, never a stack trace).
 * @module
 */
import { type Config, ConfigError, loadConfig } from '../config.js';
import { fail } from './fail.js';

export { fail };

export function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}
