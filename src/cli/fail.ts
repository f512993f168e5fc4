/**
 * Print-and-exit, with no imports: the CLI's switch and `ask help` load nothing they do not use.
 * @module
 */
export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
