/**
 * The catalog by status: every status with a dedicated entry.
 * @module
 */
import { CLIENT_ERRORS } from './client-errors.js';
import type { Entry } from './entry.js';
import { SERVER_ERRORS } from './server-errors.js';

export const CATALOG: Record<number, Entry> = { ...CLIENT_ERRORS, ...SERVER_ERRORS };
