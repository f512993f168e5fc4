import { describe, expect, it } from 'vitest';
import { buildModelIndex } from './model-identity.js';
import { parseModelList } from './schemas.js';
import { createDemoSeed } from './simulator/seed.js';

const models = parseModelList(createDemoSeed(new Date('2026-03-18T12:00:00Z')).models);
const index = buildModelIndex(models);

describe('model identity through /models (id ↔ canonical_slug)', () => {
  it('maps a slug to its permaslug, also when the permaslug is not slug + date', () => {
    expect(index.same('anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-sonnet-20250929')).toBe(true);
    expect(index.same('qwen/qwen3-235b-a22b-2507', 'qwen/qwen3-235b-a22b-07-25')).toBe(true);
    expect(index.canonical('Anthropic/Claude-Sonnet-4.5')).toBe('anthropic/claude-4.5-sonnet-20250929');
    expect(index.same('claude-sonnet-4.5', 'anthropic/claude-4.5-sonnet-20250929')).toBe(true);
    expect(index.same('meta-llama/llama-3.3-70b-instruct:free', 'meta-llama/llama-3.3-70b-instruct')).toBe(true);
  });

  it('keeps genuinely different models apart', () => {
    expect(index.same('openai/gpt-4.1', 'openai/gpt-4.1-mini-2025-04-14')).toBe(false);
    expect(index.same('anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-haiku-20251001')).toBe(false);
    expect(index.same('acme/unknown-1', 'acme/unknown-2')).toBe(false);
    expect(index.same('acme/unknown-1', 'ACME/unknown-1')).toBe(true);
    expect(index.knows('acme/unknown-1')).toBe(false);
  });
});
