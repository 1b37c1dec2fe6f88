// Policies are checked when a process is created, and a step that a policy cannot finish is refused
// typed: bad policies never hang a step or corrupt a state.
import { describe, expect, it } from 'vitest';
import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
import { thrown } from '../support/errors.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const input = { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: T0 } as const;

describe('a step whose deadlines do not settle', () => {
  // More warnings than one step fires (each at its own instant) before a late tick.
  const warnAt = Array.from({ length: 100_001 }, (_, i) => (i + 1) / 100_002);
  const sla = slaPolicy({ targets: [{ firstResponse: '1d' }], warnAt });

  it.each([true, false])(
    'is refused as INCOMPATIBLE_STATE saying what was wrong and what was expected, leaving the state usable (fastPath %s)',
    (fastPath) => {
      const process = createProcess(inquiryMachine, { sla, fastPath });
      const { state } = process.start(input);
      const error = thrown(() => process.send(state, { type: 'tick', at: T0 + 48 * HOUR }));
      expect(error.code).toBe('INCOMPATIBLE_STATE');
      expect(error.message).toContain("inquiry 'T-1'");
      expect(error.message).toContain('2026-03-04T09:00:00.000Z');
      expect(error.expected).toMatch(/at most 100000 deadlines/);
      // Nothing half-applied: the state answers the next event as before.
      expect(
        process.view(process.send(state, { type: 'agent.reply', at: T0 + HOUR }).state).sla.firstResponse?.status,
      ).toBe('met');
    },
  );
});
