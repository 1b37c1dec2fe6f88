/**
 * How a machine's context factory tells the process that it is a pure function of the validated
 * input (no `spawn`, no `self`): the process then starts an instance without XState's interpreter,
 * and without validating an input it has just validated itself.
 */

/** Where a pure context factory keeps its builder of the context from a validated input. */
const FROM_VALIDATED: unique symbol = Symbol.for('serviceflow.pureContext');

/**
 * The context factory of the inquiry machine (and of machines made with `serviceSetup`): callable as
 * XState's `context`, and marked as a pure function of the validated input.
 */
export type PureContextFactory<I, C> = ((args: { input: unknown }) => C) & {
  readonly [FROM_VALIDATED]: (input: I) => C;
};

/**
 * The context factory `({ input }) => build(parse(input))`, marked as a pure function of the
 * input: a process, which validates every input against the machine's input schema itself, calls
 * `build` with the parsed input directly.
 */
export function pureContext<I, C>(parse: (input: unknown) => I, build: (input: I) => C): PureContextFactory<I, C> {
  const factory = ({ input }: { input: unknown }): C => build(parse(input));
  return Object.assign(factory, { [FROM_VALIDATED]: build });
}

/**
 * The builder of the context from a validated input behind a context factory made by
 * {@link pureContext}, or `undefined` for any other factory.
 */
export function contextFromValidated(factory: unknown): ((input: unknown) => unknown) | undefined {
  if (typeof factory !== 'function') return undefined;
  const build = (factory as { [FROM_VALIDATED]?: unknown })[FROM_VALIDATED];
  return typeof build === 'function' ? (build as (input: unknown) => unknown) : undefined;
}
