// Checks of the dualEnv.* values VS Code hands over. Pure: unit-tested under Node.

/**
 * A count setting (backups to keep, seconds to wait): a whole number of at least 1,
 * or unset. VS Code flags other values against the schema but still hands them
 * over, and a fraction must not reach the engine: with 2.5 backups to keep, every
 * backup failed after it was written.
 */
export function wholeNumberSetting(name: string, value: unknown): { value: number | undefined; warning?: string } {
  if (value === undefined || value === null) return { value: undefined };
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return { value };
  return {
    value: undefined,
    warning: `The setting dualEnv.${name} is ${JSON.stringify(value)}, not a whole number of at least 1; it is ignored and the value in x-dual-env applies.`,
  };
}
