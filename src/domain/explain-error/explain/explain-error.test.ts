import { describe, expect, it } from 'vitest';
import {
  COMPLETION_FINISH_ERROR,
  MANAGEMENT_ONLY_403,
  MID_STREAM_CHUNK,
  NO_AUTH_401,
  USER_NOT_FOUND_401,
} from '../../../../test/fixtures/openrouter-errors.js';
import { explainError, KNOWN_STATUSES, parseErrorInput } from '../index.js';

const FETCHED = new Date('2026-03-10T12:00:00Z'); // a Tuesday

describe('explainError: catalog', () => {
  it('has an entry for every known status', () => {
    expect(KNOWN_STATUSES).toEqual([400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529]);
    for (const status of KNOWN_STATUSES) {
      const x = explainError({ status, midStream: false, signals: [] });
      expect(x.status).toBe(status);
      expect(x.title).toContain(String(status));
      expect(x.meaning.length).toBeGreaterThan(10);
      expect(x.retry.text.length).toBeGreaterThan(5);
      expect(x.live).toEqual([]);
    }
  });

  it('says 402 is insufficient credits and 403 never is', () => {
    expect(explainError({ status: 402, midStream: false, signals: [] }).meaning).toMatch(/not enough credit/);
    const x403 = explainError({ status: 403, midStream: false, signals: [] });
    expect(x403.meaning).toMatch(/never about credits/);
    expect(x403.meaning).toMatch(/402/);
  });

  it('tells a user with a credits-sounding 403 that the docs settled it', () => {
    const x = explainError(parseErrorInput('403 Forbidden — Insufficient credits'), { balance: 3, fetchedAt: FETCHED });
    expect(x.status).toBe(403);
    expect(x.causes[0]).toMatch(/docs settled it: insufficient credits is 402/);
    expect(x.fixes.join(' ')).toMatch(/explain 402/);
    expect(x.live).toContain('Account balance right now: $3.00.');
  });

  it('explains the management-only 403', () => {
    const x = explainError(parseErrorInput(MANAGEMENT_ONLY_403));
    expect(x.meaning).toMatch(/management key/);
    expect(x.fixes.join(' ')).toMatch(/settings\/management-keys/);
    expect(x.retry.advice).toBe('after-fix');
  });

  it('explains the two 401 texts', () => {
    expect(explainError(parseErrorInput(USER_NOT_FOUND_401)).meaning).toMatch(/invalid, deleted or disabled/);
    expect(explainError(parseErrorInput(NO_AUTH_401)).meaning).toMatch(/no `Authorization: Bearer …` header/);
    const rejected = explainError(parseErrorInput(USER_NOT_FOUND_401), { keyRejected: true });
    expect(rejected.live.join(' ')).toMatch(/rejected too/);
  });

  it('advises backoff and fallbacks for 5xx, 524 and 529', () => {
    for (const status of [500, 502, 503, 524, 529]) {
      const x = explainError({ status, midStream: false, signals: [] });
      expect(x.retry.advice).toBe('backoff');
      expect(x.fixes.join(' ')).toMatch(/fallback/i);
    }
  });

  it('uses Retry-After', () => {
    const x = explainError({ status: 503, midStream: false, signals: [], retryAfterSeconds: 20 });
    expect(x.retry.text).toMatch(/20 s/);
  });

  it('explains 413 as shrink the prompt and 404 generation lag', () => {
    expect(explainError({ status: 413, midStream: false, signals: [] }).fixes[0]).toMatch(/Shrink the prompt/);
    const gen = explainError(
      parseErrorInput(
        '404 {"error":{"code":404,"message":"Generation gen-1754553763-Fo6eODcuRTI4SOm6VCIQ not found"}}',
      ),
    );
    expect(gen.title).toMatch(/generation/);
    expect(gen.retry.advice).toBe('backoff');
    const model = explainError(
      parseErrorInput('{"error":{"code":404,"message":"No endpoints found for openai/gpt-9."}}'),
    );
    expect(model.title).toMatch(/model/);
  });

  it('explains mid-stream errors with zero completion insurance', () => {
    const x = explainError(parseErrorInput(MID_STREAM_CHUNK));
    expect(x.title).toMatch(/^Mid-stream error/);
    expect(x.meaning).toMatch(/HTTP status was 200/);
    expect(x.causes[0]).toMatch(/Zero completion insurance/);
    expect(x.causes[0]).toMatch(/not charged/);
    const whole = explainError(parseErrorInput(COMPLETION_FINISH_ERROR));
    expect(whole.status).toBeNull();
    expect(whole.retry.advice).toBe('backoff');
  });

  it('falls back for unknown input', () => {
    const x = explainError({ midStream: false, signals: [] });
    expect(x.status).toBeNull();
    expect(x.title).toBe('Unrecognised error');
    expect(explainError({ status: 418, midStream: false, signals: [] }).title).toBe('418 Client error');
  });
});
