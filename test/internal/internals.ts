/**
 * The few internals that tests outside `test/internal/` reach for, gathered here so that a file
 * moved inside `src/` changes this one import list and no test. Each is a hook into something no
 * entry exports and none should:
 *
 * - `runCli`, `loadSimulationConfig`: the `serviceflow` command run in-process (the command is
 *   the public surface, not an importable entry).
 * - `runnerKeys`: the BullMQ runner's Redis key layout, for tests that write what a producer of
 *   another release or language could write.
 * - `seededRandom`: the simulator's seeded generator, to draw reproducible faults.
 * - `receivedContext`: the inquiry context a custom machine's `context` starts from.
 * - `contactActionNames`: the contact machine's action names, checked against the inquiry's.
 * - `migrationStatements`: the PostgreSQL schema, checked against docs/persistence.md.
 */
export { runCli } from '../../src/cli/program.js';
export { loadSimulationConfig } from '../../src/cli/config.js';
export { runnerKeys } from '../../src/adapters/bullmq/keys.js';
export { seededRandom } from '../../src/testing/random.js';
export { receivedContext } from '../../src/machines/steps.js';
export { contactActionNames } from '../../src/machines/contact.js';
export { migrationStatements } from '../../src/stores/postgres.js';
