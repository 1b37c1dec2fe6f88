/**
 * The service desk: inquiries stored in a store, woken at their deadlines, their effects on a
 * typed event bus — here on a virtual clock, so a day passes in milliseconds.
 *
 * Run it: `npx tsx examples/desk.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  createProcess,
  createServiceDesk,
  escalationPolicy,
  inquiryMachine,
  manualClock,
  memoryStore,
  slaPolicy,
} from 'serviceflow';

const HOUR = 3_600_000;

export async function runDeskExample(print: (line: string) => void = console.log): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    print(line);
  };
  const start = Date.parse('2026-03-02T09:00:00Z');
  const clock = manualClock(start); // in production: leave `clock` out (the wall clock)
  const time = (at: number): string => new Date(at).toISOString().slice(11, 16);

  // #region desk
  const process = createProcess(inquiryMachine, {
    sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }),
    escalation: escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'specialist' }],
      rules: [{ on: 'sla.breached', escalateTo: '+1' }],
    }),
  });
  const store = memoryStore(); // or postgresStore(pool) from 'serviceflow/postgres'
  const desk = createServiceDesk({ process, store, clock });

  // Effects arrive after the save, at least once, each with a stable id to de-duplicate on.
  const notified = new Set<string>();
  desk.on('sla.breached', (effect, { id }) => {
    if (notified.has(id)) return; // delivered before: skip
    notified.add(id);
    say(`${time(effect.at)}  ${effect.inquiryId}: ${effect.metric} breached (due ${time(effect.dueAt)})`);
  });
  desk.on('escalated', (effect) => say(`${time(effect.at)}  ${effect.inquiryId}: escalated to ${effect.name}`));
  desk.on('error', (error, { operation }) => say(`error during ${operation}: ${String(error)}`));

  await desk.open({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: clock.now() });
  await desk.open({ id: 'T-2', channel: 'chat', customer: { id: 'C-2' }, at: clock.now() });
  const replied = await desk.send('T-2', { type: 'agent.reply', agentId: 'ana', at: start + 0.5 * HOUR });
  say(
    `${time(start + 0.5 * HOUR)}  T-2: first response ${replied.view.sla.firstResponse?.status} (version ${replied.version})`,
  );

  // Nobody touches T-1: the scheduler wakes it at its deadlines.
  await clock.advance(9 * HOUR);
  const t1 = await desk.get('T-1');
  say(`T-1 is at version ${t1?.version}, escalation level ${t1?.view.escalation.name}`);
  await desk.close(); // stops the timers, waits for steps in flight
  // #endregion desk
  return lines;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await runDeskExample();
