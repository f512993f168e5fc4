/**
 * Lenient parsing of `GET /workspaces` items (reference §12 "Workspaces": `{data: [{id, name, slug, …}],
 * total_count}`). Only `id` is required; a missing name or slug falls back to the id, unknown fields are
 * ignored, so a new or missing field never breaks an answer.
 * @module
 */
import { z } from 'zod';
import { MalformedBodyError } from './schemas.js';
import type { Workspace } from './types.js';

const workspaceSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  slug: z.string().nullish(),
});

function parseWorkspace(data: unknown): Workspace {
  const r = workspaceSchema.safeParse(data);
  if (!r.success) throw new MalformedBodyError(`workspace: ${r.error.issues[0]?.message ?? 'invalid'}`);
  const d = r.data;
  return { id: d.id, name: d.name || d.slug || d.id, slug: d.slug || d.id };
}

/** The `data` array of one `/workspaces` page. */
export function parseWorkspaceList(data: unknown): Workspace[] {
  if (!Array.isArray(data)) throw new MalformedBodyError('workspaces: data is not an array');
  return data.map(parseWorkspace);
}
