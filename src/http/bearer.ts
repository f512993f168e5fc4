/**
 * `Authorization: Bearer <token>` checks in constant time: both sides are hashed to 32 bytes first,
 * so neither the compare nor an early length mismatch says how much of a guess was right.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Secret } from '../config.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** A checker for one configured token; `undefined` token: nobody matches. */
export function bearerCheck(token: Secret | undefined): (req: IncomingMessage) => boolean {
  const expected = token ? sha256(token.reveal()) : undefined;
  return (req) => {
    if (!expected) return false;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
    return Boolean(match?.[1]) && timingSafeEqual(sha256(match?.[1] ?? ''), expected);
  };
}
