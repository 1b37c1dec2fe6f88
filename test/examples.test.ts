import { describe, expect, it } from 'vitest';
import { runQuickstart } from '../examples/quickstart.js';

describe('examples/quickstart.ts', () => {
  it('walks one inquiry from arrival to an automatic close', () => {
    const lines = runQuickstart(() => {});
    expect(lines).toContain('    03-06 21:30  sla.breached firstResponse');
    expect(lines).toContain('    03-06 21:30  escalated to specialist (sla.breached:firstResponse)');
    expect(lines).toContain('    03-09 18:00  survey.requested');
    expect(lines).toContain('    03-14 17:00  inquiry.closed');
    expect(lines.some((line) => line.startsWith('▸ final view: stage closed'))).toBe(true);
  });
});
