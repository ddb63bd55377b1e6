// EngineError: what the engine throws (an `Error` named `InputError`, `ConfigError`, `RestoreError`,
// `SigningError`, `PrepareError` or `WebhookError`, with `path`, `kind` and `errors`), as a class
// callers can test with `instanceof`. The wasm glue throws plain `Error` objects (wrapping every
// call would cost each decision an extra frame), so `instanceof EngineError` recognises them by
// their name and fields; `new EngineError(...)` builds one for code that reports the same shape.

/** The names of the errors the engine throws. */
export const ENGINE_ERROR_NAMES = Object.freeze([
  'InputError',
  'ConfigError',
  'RestoreError',
  'SigningError',
  'PrepareError',
  'WebhookError',
]);

const NAMES = new Set(ENGINE_ERROR_NAMES);

/** An error the engine reported: `path` and `kind` of the first problem, `errors` every one. */
export class EngineError extends Error {
  /**
   * @param {string} name one of `ENGINE_ERROR_NAMES`
   * @param {{path: string, kind: string, message: string, value?: string}[]} errors at least one
   */
  constructor(name, errors) {
    const first = errors[0] ?? { path: '', kind: 'invalid', message: 'unknown error' };
    super(first.path ? `${first.path}: ${first.message}` : first.message);
    this.name = name;
    this.path = first.path ?? null;
    this.kind = first.kind ?? null;
    if (first.value !== undefined) this.value = first.value;
    this.errors = errors;
  }

  /**
   * True for an `EngineError` and for an error the engine threw: one of its names (or `Error`, for
   * a state that cannot be written) with the fields it always sets, `path`, `kind` and `errors`.
   */
  static [Symbol.hasInstance](value) {
    return (
      value instanceof Error &&
      (NAMES.has(value.name) || value.name === 'Error') &&
      'path' in value &&
      'kind' in value &&
      'errors' in value
    );
  }
}
