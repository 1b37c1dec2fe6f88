// The first code block of docs/sla.md, kept in sync by test/docs/code-blocks.test.ts.
import { businessCalendar, createProcess, inquiryMachine, slaPolicy } from 'serviceflow';

export const sla = slaPolicy({
  calendar: businessCalendar({
    timezone: 'America/New_York',
    week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
    holidays: ['2026-12-25'],
  }),
  targets: [
    { when: { priority: 'urgent' }, firstResponse: '1h', nextResponse: '2h', resolution: '8h' },
    { when: { tier: 'vip' }, firstResponse: '2h', resolution: '1d' },
    { firstResponse: '4h', nextResponse: '8h', resolution: '2d' },
  ],
  warnAt: [0.5, 0.75],            // sla.warning at 50 % and 75 % of each target
  pauseOn: ['customer'],          // the default: resolution pauses while pending on the customer
  onPriorityChange: 'recalculate' // the default: new targets count from the original start
});
export const process = createProcess(inquiryMachine, { sla });
