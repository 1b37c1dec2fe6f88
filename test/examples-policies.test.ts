import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escalation, process as escalationProcess, runEscalationScenario } from '../examples/escalation-setup.js';
import { feedback, relationshipNps, runFeedbackScenario } from '../examples/feedback-setup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The first ```ts block of a doc, without its import lines (the example file has its own). */
function mainBlock(doc: string): string {
  const block = /```ts\n([\s\S]*?)```/.exec(read(doc))?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n')
    .trim();
}

describe('examples/escalation-setup.ts', () => {
  it('is the configuration docs/escalation.md shows', () => {
    expect(read('examples/escalation-setup.ts')).toContain(mainBlock('docs/escalation.md'));
  });

  it('builds a three-level path with rules for every trigger', () => {
    expect(escalation.levels.map((level) => level.name)).toEqual(['agent', 'specialist', 'manager']);
    expect(escalationProcess.policies.escalation).toBe(escalation);
  });

  it('runs the worked example of docs/escalation.md', () => {
    expect(runEscalationScenario(() => {})).toEqual([
      '03-02 09:00 sla.started firstResponse',
      '03-02 09:00 sla.started resolution',
      '03-02 09:00 escalated 0→1 specialist (received), team billing, notify tier2-leads@acme.example',
      '03-02 09:10 stage.changed inquiry→resolution',
      '03-02 09:20 sla.met firstResponse',
      '03-02 12:00 sla.warning resolution',
      '03-02 13:00 sla.breached resolution',
      '03-02 13:00 escalated 1→2 manager (sla.breached:resolution), notify support-managers@acme.example slack:#support-escalations',
      '03-02 14:00 sla.met resolution (late)',
      '03-02 14:00 stage.changed resolution→followUp',
      '03-02 15:00 survey.requested',
      '03-03 10:00 feedback.received csat 2 (negative)',
      'final: followUp, level 2 (manager), assignee {"team":"billing","agentId":"bea"}, 2 escalations',
    ]);
  });
});

describe('examples/feedback-setup.ts', () => {
  it('is the configuration docs/feedback.md shows', () => {
    expect(read('examples/feedback-setup.ts')).toContain(mainBlock('docs/feedback.md'));
  });

  it('configures a CSAT follow-up with reminders and service recovery, and a relationship NPS', () => {
    expect(feedback).toMatchObject({
      survey: 'csat',
      sendAfter: 2 * 3_600_000,
      reminders: { count: 2, every: 2 * 86_400_000 },
      reopenWindow: 5 * 86_400_000,
      autoCloseAfter: 5 * 86_400_000,
      onNegative: ['reopen', 'escalate'],
    });
    expect(relationshipNps).toMatchObject({ survey: 'nps', autoCloseAfter: 3 * 86_400_000, onNegative: [] });
  });

  it('runs the worked example of docs/feedback.md', () => {
    expect(runFeedbackScenario(() => {})).toEqual([
      '03-02 09:05 stage.changed inquiry→resolution',
      '03-02 10:00 stage.changed resolution→followUp',
      '03-02 12:00 survey.requested csat, expires 03-09 12:00',
      '03-04 12:00 survey.reminder #1',
      '03-06 12:00 survey.reminder #2',
      '03-08 09:30 feedback.received csat 2 (negative)',
      '03-08 09:30 escalated 0→1 specialist (feedback.negative)',
      '03-08 09:30 inquiry.reopened by feedback (#1)',
      '03-08 09:30 stage.changed followUp→resolution',
      '03-09 10:00 stage.changed resolution→followUp',
      '03-09 12:00 survey.requested csat, expires 03-16 12:00',
      '03-10 08:00 feedback.received csat 5 (positive)',
      '03-14 10:00 inquiry.closed (auto)',
      '03-14 10:00 stage.changed followUp→closed',
      'final: closed (auto), reopened 1×, level specialist, scores 2, 5',
    ]);
  });
});
