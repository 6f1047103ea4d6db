/**
 * Standard Schema v1, the interface zod, valibot, arktype and others implement:
 * the types, copied as the spec asks (no dependency), and one safe call.
 * https://standardschema.dev
 */

/** One problem a schema found. */
export interface Issue {
  /** what is wrong */
  readonly message: string;
  /** where: keys (or `{ key }` segments) from the payload's root */
  readonly path?:
    | ReadonlyArray<
        | PropertyKey
        | {
            /** one step of the path */
            readonly key: PropertyKey;
          }
      >
    | undefined;
}

/** A validator's answer: the (possibly transformed) value, or the issues. */
export type Result<Output> =
  | {
      /** the payload as the schema gives it (its output) */
      readonly value: Output;
      /** absent on success */
      readonly issues?: undefined;
    }
  | {
      /** what is wrong */
      readonly issues: ReadonlyArray<Issue>;
    };

/** A Standard Schema v1: anything with `['~standard'].validate`. */
export interface Schema<Input = unknown, Output = Input> {
  /** the Standard Schema v1 interface */
  readonly '~standard': {
    /** the spec's version: 1 */
    readonly version: 1;
    /** the library that made the schema */
    readonly vendor: string;
    /** check a value: its output, or the issues (may return a promise) */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** the types, for inference only */
    readonly types?:
      | {
          /** what the schema accepts */
          readonly input: Input;
          /** what it gives */
          readonly output: Output;
        }
      | undefined;
  };
}

/** The type a schema accepts. */
export type InferInput<S> = S extends Schema<infer I, unknown> ? I : unknown;
/** The type a schema gives. */
export type InferOutput<S> = S extends Schema<unknown, infer O> ? O : unknown;

/**
 * Call the schema's validator; a validator that throws (or rejects, or answers with something
 * that is no result) becomes one issue, so a broken schema never delivers an unchecked payload.
 */
export const validate = (schema: Schema, value: unknown): Result<unknown> | Promise<Result<unknown>> => {
  const broken = (err: unknown): Result<unknown> => ({
    issues: [{ message: `schema failed: ${String((err as Error)?.message ?? err)}` }],
  });
  const checked = (r: Result<unknown>) => (r && typeof r === 'object' ? r : broken('no result'));
  try {
    const r = schema['~standard'].validate(value);
    return r && typeof (r as Promise<unknown>).then === 'function'
      ? (r as Promise<Result<unknown>>).then(checked, broken)
      : checked(r as Result<unknown>);
  } catch (err) {
    return broken(err);
  }
};
