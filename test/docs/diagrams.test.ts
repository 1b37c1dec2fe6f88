/**
 * The diagrams in docs/diagrams/ are generated from the machines: this suite fails when a
 * committed file drifts from what `toMermaid` draws today (fix: `npm run diagrams`), and pins the
 * rules `toMermaid` follows on small machines.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { diagramFiles } from '../../scripts/diagrams.js';
import { contactMachine, inquiryMachine, toMermaid } from 'serviceflow';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('committed diagrams', () => {
  for (const [path, content] of Object.entries(diagramFiles())) {
    it(`${path} matches the machines (run npm run diagrams to update)`, () => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(content);
    });
  }

  it('embeds each machine’s diagram in the README as a mermaid block', () => {
    const readme = readFileSync(join(root, 'docs/diagrams/README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`mermaid\n${toMermaid(inquiryMachine)}\`\`\``);
    expect(readme).toContain(`\`\`\`mermaid\n${toMermaid(contactMachine)}\`\`\``);
  });
});

describe('toMermaid', () => {
  it('draws the inquiry: stages, nested sub-states, guarded transitions, final states', () => {
    const diagram = toMermaid(inquiryMachine);
    expect(diagram.startsWith('stateDiagram-v2\n  [*] --> inquiry\n')).toBe(true);
    expect(diagram).toContain('  state resolution {\n    [*] --> working\n');
    expect(diagram).toContain('    pending --> working: customer.reply [pendingOnCustomer]\n');
    expect(diagram).toContain('  followUp --> resolution: reopen [withinReopenWindow]\n');
    expect(diagram).toContain('  followUp --> closed: deadline [closesNow]\n');
    expect(diagram).toContain('  closed --> [*]\n  cancelled --> [*]\n');
    for (const stage of ['inquiry', 'identification', 'resolution', 'followUp']) expect(diagram).toContain(`  ${stage} --> cancelled: cancel\n`);
    expect(diagram).not.toContain('closed --> cancelled');
  });

  it('draws the contact: pre-contact, contact with hold and transfer, post-contact, both ends', () => {
    const diagram = toMermaid(contactMachine);
    expect(diagram).toContain('  state preContact {\n    [*] --> identification\n');
    expect(diagram).toContain('    onHold --> talking: transfer\n');
    expect(diagram).toContain('  preContact --> abandoned: abandon\n');
    expect(diagram).toContain('  postContact --> completed: wrapup.completed\n');
    expect(diagram).toContain('  completed --> [*]\n  abandoned --> [*]\n');
    expect(diagram).toContain('  note right of preContact\n    In every state that is not final:\n    customer.identified, tick\n  end note\n');
  });

  it('names guards given as objects or functions, and draws eventless transitions as always', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'a',
      states: {
        a: {
          on: {
            go: [{ guard: { type: 'ready', params: { n: 1 } }, target: 'b' }, { guard: function isLate() { return true; }, target: 'c' }, { target: 'c' }],
          },
        },
        b: { always: { target: 'c' } },
        c: { type: 'final' },
      },
    });
    expect(toMermaid(machine)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> a',
        '  a --> b: go [ready]',
        '  a --> c: go [isLate]',
        '  a --> c: go',
        '  b --> c: always',
        '  c --> [*]',
        '',
      ].join('\n'),
    );
  });

  it('qualifies repeated state keys, separates parallel regions, and can leave the note out', () => {
    const machine = createMachine({
      id: 'p',
      initial: 'run',
      on: { tick: {} },
      states: {
        run: {
          type: 'parallel',
          states: {
            left: { initial: 'idle', states: { idle: { on: { go: 'busy' } }, busy: {} } },
            right: { initial: 'idle', states: { idle: { on: { go: 'busy' } }, busy: {} } },
          },
          on: { stop: '#p.done' },
        },
        done: { type: 'final' },
      },
    });
    const diagram = toMermaid(machine, { direction: 'LR', note: false });
    expect(diagram).toContain('  direction LR\n');
    expect(diagram).toContain('  state run {\n    state left {\n      [*] --> run_left_idle\n      state "idle" as run_left_idle\n');
    expect(diagram).toContain('    }\n    --\n    state right {\n');
    expect(diagram).toContain('      run_right_idle --> run_right_busy: go\n');
    expect(diagram).toContain('  run --> done: stop\n');
    expect(diagram).not.toContain('note');
    expect(toMermaid(machine)).toContain('  note right of run\n    In every state that is not final:\n    tick\n  end note\n');
  });

  it('is deterministic', () => {
    expect(toMermaid(contactMachine)).toBe(toMermaid(contactMachine));
  });
});
