/**
 * Regenerates the Mermaid state diagrams in docs/diagrams/ from the machine definitions.
 *
 *   npm run diagrams            write docs/diagrams/{inquiry,contact,returns,incident}.mmd and README.md
 *   npm run diagrams -- --check exit 1 when a committed file differs from what the machines say
 *
 * test/docs/diagrams.test.ts runs the same comparison, so CI fails on drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { incidentMachine } from '../examples/incident-process.js';
import { returnsMachine } from '../examples/returns-process.js';
import { contactMachine, inquiryMachine, toMermaid } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The machines drawn, in the order the README shows them. */
const machines = [
  {
    name: 'inquiry',
    title: 'Inquiry',
    machine: inquiryMachine,
    about:
      'The life of one support inquiry (ARCHITECTURE §4). Arrows are labelled with the event and, in brackets, the guard that must hold. `deadline` is the internal event a `tick` raises for each due deadline.',
  },
  {
    name: 'contact',
    title: 'Contact',
    machine: contactMachine,
    about:
      'One interaction on one channel (ARCHITECTURE §4b): pre-contact, contact, post-contact. It ends `completed` (handled or deflected to self-service) or `abandoned`.',
  },
  {
    name: 'returns',
    title: 'Returns (example)',
    machine: returnsMachine,
    about:
      'A custom process built with `serviceSetup` (`examples/returns-process.ts`): request → approval → label → transit (the resolution clock paused) → inspection → refund or rejection → follow-up.',
  },
  {
    name: 'incident',
    title: 'Incident (example)',
    machine: incidentMachine,
    about:
      'A custom process built with `serviceSetup` (`examples/incident-process.ts`): triage → investigating → quality review (which can send it back) → follow-up, with 24×7 on-call escalation.',
  },
] as const;

/** Every generated file, relative to the repository root, with its content. */
export function diagramFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const sections: string[] = [];
  for (const { name, title, machine, about } of machines) {
    const diagram = toMermaid(machine);
    files[`docs/diagrams/${name}.mmd`] = diagram;
    sections.push(`## ${title}\n\n${about}\n\n\`\`\`mermaid\n${diagram}\`\`\`\n`);
  }
  files['docs/diagrams/README.md'] = [
    '# State diagrams',
    '',
    'Generated from the machine definitions by `toMermaid` (`src/machines/diagram.ts`): run',
    '`npm run diagrams` after changing a machine. `test/docs/diagrams.test.ts` fails when these',
    'files drift from the machines. Do not edit them by hand.',
    '',
    ...sections,
  ].join('\n');
  return files;
}

function main(check: boolean): number {
  let drifted = 0;
  for (const [path, content] of Object.entries(diagramFiles())) {
    const file = join(root, path);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    drifted++;
    if (check) console.error(`${path} is out of date: run npm run diagrams`);
    else {
      writeFileSync(file, content);
      console.log(`wrote ${path}`);
    }
  }
  return check && drifted > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.includes('--check'));
