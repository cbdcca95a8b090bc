// Typed errors shared by every module: a bad option names itself and says what to do.

/** A constructor option is wrong. `option` names it; the message says what to give instead. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`option "${option}" ${problem}`);
  }
}
