/**
 * Per-day-and-model totals against synced `/activity`, and spend by tag. Pure: no I/O, no clock.
 * @module
 */
import { baseModel } from './classify.js';
import { DEFAULT_TOLERANCES, type Tolerances, within } from './rows.js';

/** Local totals for a (UTC day, model). */
export interface LocalDayModel {
  day: string;
  model: string;
  /** Distinct ids. */
  requests: number;
  localCost: number;
  /** OpenRouter's charge for the ids it knows. */
  billedCost: number;
}

/** Synced `/activity` totals for a (UTC day, model). */
export interface ActivityDayModel {
  day: string;
  model: string;
  modelPermaslug: string;
  requests: number;
  usage: number;
}

export interface DayModelComparison {
  day: string;
  model: string;
  localRequests: number;
  localCost: number;
  billedCost: number;
  /** `null` when no activity was synced for that day and model. */
  activityRequests: number | null;
  activityUsage: number | null;
  status: 'match' | 'local_higher' | 'activity_higher' | 'no_activity';
}

/**
 * Local per-day-and-model totals against synced activity. Activity covers the whole account (every
 * app and key), so activity above the local total is normal; local above activity is suspicious.
 */
export function compareDays(
  local: readonly LocalDayModel[],
  activity: readonly ActivityDayModel[],
  tol: Tolerances = DEFAULT_TOLERANCES,
): DayModelComparison[] {
  const act = new Map<string, { requests: number; usage: number }>();
  for (const a of activity) {
    const key = `${a.day}|${baseModel(a.model)}`;
    const cur = act.get(key) ?? { requests: 0, usage: 0 };
    act.set(key, { requests: cur.requests + a.requests, usage: cur.usage + a.usage });
  }
  const merged = new Map<string, LocalDayModel>();
  for (const l of local) {
    const key = `${l.day}|${baseModel(l.model)}`;
    const cur = merged.get(key);
    merged.set(
      key,
      cur
        ? {
            ...cur,
            requests: cur.requests + l.requests,
            localCost: cur.localCost + l.localCost,
            billedCost: cur.billedCost + l.billedCost,
          }
        : { ...l },
    );
  }
  const out: DayModelComparison[] = [];
  for (const [key, l] of merged) {
    const a = act.get(key);
    let status: DayModelComparison['status'] = 'no_activity';
    if (a) {
      const costOk = within(l.localCost, a.usage, tol.costAbs, tol.costRel);
      if (costOk && l.requests === a.requests) status = 'match';
      else if (l.localCost > a.usage + Math.max(tol.costAbs, tol.costRel * a.usage) || l.requests > a.requests) {
        status = 'local_higher';
      } else status = 'activity_higher';
    }
    out.push({
      day: l.day,
      model: l.model,
      localRequests: l.requests,
      localCost: l.localCost,
      billedCost: l.billedCost,
      activityRequests: a?.requests ?? null,
      activityUsage: a?.usage ?? null,
      status,
    });
  }
  return out.sort((x, y) => x.day.localeCompare(y.day) || x.model.localeCompare(y.model));
}

export interface TagSpend {
  /** `null` = rows without a tag. */
  tag: string | null;
  requests: number;
  localCost: number;
  billedCost: number;
}
