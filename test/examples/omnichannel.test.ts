import { describe, expect, it } from 'vitest';
import { runOmnichannel } from '../../examples/omnichannel.js';

const MINUTE = 60_000;

describe('examples/omnichannel.ts', () => {
  const result = runOmnichannel(() => {});
  const [t100, t101] = result.inquiries;

  it('forwards each contact’s completion to its inquiry, across channels', () => {
    expect(t100?.contacts.map((c) => [c.contactId, c.channel, c.handleMs, c.resolved])).toEqual([
      ['K-1', 'chat', 15 * MINUTE, false],
      ['K-2', 'phone', 23 * MINUTE, true],
    ]);
    expect(t101?.contacts.map((c) => [c.contactId, c.channel, c.resolved])).toEqual([['K-3', 'phone', true]]);
    expect(result.lines).toContain('    09:18  → forwarded to inquiry T-100');
  });

  it('makes first-contact resolution visible per inquiry and as a rate', () => {
    expect(result.lines).toContain('▸ T-100: followUp, contacts K-1/chat + K-2/phone, first-contact resolution: no');
    expect(result.lines).toContain('▸ T-101: followUp, contacts K-3/phone, first-contact resolution: yes');
    expect(result.metrics.firstContactResolutionRate).toBe(0.5);
  });

  it('answers the inquiry when a live contact connects (its first response)', () => {
    expect(t100?.firstRespondedAt).toBe(Date.parse('2026-03-02T09:03:00Z'));
    expect(t101?.firstRespondedAt).toBe(Date.parse('2026-03-02T10:02:00Z'));
    expect(result.metrics.firstResponseTime).toMatchObject({ count: 2, mean: 2.5 * MINUTE });
  });

  it('records the callback’s hold and transfer, and the handle time they add up to', () => {
    const k2 = result.contacts[1];
    expect(k2).toMatchObject({
      direction: 'outbound',
      queueMs: 0,
      talkMs: 16 * MINUTE,
      holdMs: 3 * MINUTE,
      wrapUpMs: 4 * MINUTE,
      handleMs: 23 * MINUTE,
    });
    expect(k2?.transfers).toEqual([{ from: 'ben', to: 'chen', at: Date.parse('2026-03-02T14:10:00Z') }]);
    expect(result.metrics.averageHandleTime).toMatchObject({ count: 3, mean: 16 * MINUTE });
    expect(result.contacts[0]?.followUpTask).toMatchObject({ disposition: 'needs-billing-specialist' });
  });
});
