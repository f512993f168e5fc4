import { asc, desc, gte, lte } from 'drizzle-orm';
import type { Db } from '../client.js';
import { creditSnapshots } from '../schema.js';

export interface CreditSnapshot {
  takenAt: Date;
  totalCredits: number;
  totalUsage: number;
}

const columns = {
  takenAt: creditSnapshots.takenAt,
  totalCredits: creditSnapshots.totalCredits,
  totalUsage: creditSnapshots.totalUsage,
};

export async function insertCreditSnapshot(db: Db, snapshot: CreditSnapshot): Promise<void> {
  await db.insert(creditSnapshots).values(snapshot);
}

export async function latestCreditSnapshot(db: Db): Promise<CreditSnapshot | null> {
  const [row] = await db.select(columns).from(creditSnapshots).orderBy(desc(creditSnapshots.takenAt)).limit(1);
  return row ?? null;
}

/** Readings taken at or after `since`, oldest first. */
export async function creditSnapshotsSince(db: Db, since: Date): Promise<CreditSnapshot[]> {
  return db
    .select(columns)
    .from(creditSnapshots)
    .where(gte(creditSnapshots.takenAt, since))
    .orderBy(asc(creditSnapshots.takenAt));
}

/** The newest reading taken at or before `at` (one indexed row). */
export async function creditSnapshotAtOrBefore(db: Db, at: Date): Promise<CreditSnapshot | null> {
  const [row] = await db
    .select(columns)
    .from(creditSnapshots)
    .where(lte(creditSnapshots.takenAt, at))
    .orderBy(desc(creditSnapshots.takenAt))
    .limit(1);
  return row ?? null;
}

/** The oldest reading taken at or after `since` (one indexed row). */
export async function firstCreditSnapshotSince(db: Db, since: Date): Promise<CreditSnapshot | null> {
  const [row] = await db
    .select(columns)
    .from(creditSnapshots)
    .where(gte(creditSnapshots.takenAt, since))
    .orderBy(asc(creditSnapshots.takenAt))
    .limit(1);
  return row ?? null;
}
