/**
 * Option validation shared by every lib module. Bad options fail loudly with the option's
 * name and value, e.g. `invalid poolSize: 0 (expected an integer in 1..16)`.
 */

/** Throws `invalid <name>: <value> (expected <expected>)`. */
export function invalid(name: string, value: unknown, expected: string): never {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value)
      : Array.isArray(value)
        ? `[${value.map(String).join(', ')}]`
        : String(value);
  throw new RangeError(`invalid ${name}: ${shown} (expected ${expected})`);
}

/** Returns `value` if it is an integer in [min, max]; throws otherwise. */
export function intInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(name, value, `an integer in ${min}..${max}`);
  }
  return value;
}

/** Returns `value` if it is a finite number in [min, max]; throws otherwise. */
export function numberInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    invalid(name, value, `a number in ${min}..${max}`);
  }
  return value;
}

/** Returns `value` if it is one of `choices`; throws otherwise. */
export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    invalid(name, value, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  return value as T;
}

/** Checks a tensor's rank; throws `invalid <name> shape: [..] (expected rank r ...)`. */
export function expectRank(
  name: string,
  shape: readonly number[],
  rank: number,
  what: string,
): void {
  if (shape.length !== rank)
    invalid(`${name} shape`, `[${shape.join(', ')}]`, `rank ${rank}: ${what}`);
}
