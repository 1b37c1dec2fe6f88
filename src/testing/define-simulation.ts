/**
 * `defineSimulation`: types a simulation config file (`serviceflow simulate --config FILE`).
 */
import type { SimulationOptions } from './simulation-options.js';

/**
 * Types the options of a simulation written in its own file, for `serviceflow simulate --config
 * FILE` or for `simulate` itself. It returns `options` unchanged: it is there so that an editor
 * completes and checks every option (policies or a process, agents, arrivals, how agents work,
 * how customers behave) while you write the file.
 *
 * @param options - The simulation options, as `simulate` takes them.
 * @returns The same options, unchanged.
 *
 * @example
 * ```ts
 * // desk.simulation.ts: `npx serviceflow simulate --config desk.simulation.ts`
 * import { defineSimulation } from 'serviceflow/testing';
 *
 * export default defineSimulation({
 *   inquiries: 5_000,
 *   days: 14,
 *   policies: { sla: { targets: [{ when: { priority: 'urgent' }, firstResponse: '30m' }, { firstResponse: '4h' }] } },
 *   arrivals: { timezone: 'Europe/Paris', channels: { email: 60, chat: 40 } },
 *   agents: [{ team: 'support', count: 12, capacity: 2, shift: { timezone: 'Europe/Paris', week: { mon: [['08:00', '18:00']], tue: [['08:00', '18:00']] } } }],
 *   customers: { replyRate: 0.9 },
 * });
 * ```
 */
export function defineSimulation(options: SimulationOptions): SimulationOptions {
  return options;
}
