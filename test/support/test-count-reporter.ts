/**
 * A vitest reporter that makes tests impossible to lose quietly (issue 14, "tests never vanish"):
 * - On a full run (every test file, no name filter, no shard, not interrupted) the number of tests
 *   registered (run + skipped, `todo` excluded) must be at least `minimum` in test/test-count.json.
 *   Skipped tests count because variants that cannot run here are registered as skipped with their
 *   reason; in CI nothing may be skipped, so there every registered test ran.
 * - With CI set (CI=true, as .ci/run and hosted CI do) any skipped test fails the run, on any run.
 * Removing tests deliberately: lower `minimum` in test/test-count.json in the same commit.
 * @module
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

export const COUNT_FILE = fileURLToPath(new URL('../test-count.json', import.meta.url));

export interface RunFacts {
  full: boolean;
  ci: boolean;
  registered: number;
  skipped: readonly string[];
  minimum: number | undefined;
}

/** The problems with a finished run, one line each; empty when it may pass. */
export function judgeRun(facts: RunFacts): string[] {
  const problems: string[] = [];
  if (facts.ci && facts.skipped.length > 0) {
    problems.push(
      `CI runs every test, but ${facts.skipped.length} were skipped (set TEST_DATABASE_URL; see .ci/run):`,
      ...facts.skipped.map((name) => `  skipped: ${name}`),
    );
  }
  if (facts.full) {
    if (facts.minimum === undefined) {
      problems.push(`${COUNT_FILE} is missing or has no numeric "minimum"; record the test count there.`);
    } else if (facts.registered < facts.minimum) {
      problems.push(
        `Tests vanished: ${facts.registered} registered, ${facts.minimum} recorded in test/test-count.json. ` +
          'If tests were removed on purpose, lower "minimum" there in the same commit.',
      );
    }
  }
  return problems;
}

export function readMinimum(path = COUNT_FILE): number | undefined {
  try {
    const { minimum } = JSON.parse(readFileSync(path, 'utf8')) as { minimum?: unknown };
    return typeof minimum === 'number' && Number.isInteger(minimum) && minimum >= 0 ? minimum : undefined;
  } catch {
    return undefined;
  }
}

export const isCi = (env: NodeJS.ProcessEnv = process.env) =>
  env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';

export default class TestCountReporter implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: string): Promise<void> {
    const vitest = this.#vitest;
    if (!vitest) return;
    let registered = 0;
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.options.mode === 'todo') continue;
        registered += 1;
        if (test.result().state === 'skipped') {
          skipped.push(`${relative(vitest.config.root, module.moduleId)} > ${test.fullName}`);
        }
      }
    }
    const problems = judgeRun({
      full: reason !== 'interrupted' && (await this.#isFullRun(testModules)),
      ci: isCi(),
      registered,
      skipped,
      minimum: readMinimum(),
    });
    if (problems.length === 0) return;
    process.stderr.write(`\n[test-count] ${problems.join('\n[test-count] ')}\n`);
    process.exitCode = 1;
  }

  /** Every test file the config includes was run, with no name filter and no shard. */
  async #isFullRun(testModules: ReadonlyArray<TestModule>): Promise<boolean> {
    const vitest = this.#vitest;
    if (!vitest || vitest.config.testNamePattern || vitest.config.shard) return false;
    const ran = new Set(testModules.map((m) => m.moduleId));
    const all = await vitest.globTestSpecifications();
    return all.length > 0 && all.every((spec) => ran.has(spec.moduleId));
  }
}
