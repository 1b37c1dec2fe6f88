// The first code block of docs/planning.md, kept in sync by test/docs/code-blocks.test.ts.
import { erlangA, erlangC, requiredAgents } from 'serviceflow/planning';

// A phone queue: 200 calls an hour, 3 minutes each: 10 Erlangs of work.
export const phones = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target: { answeredWithin: '20s', share: 0.8 } });
// phones.agents === 14: 88.8 % answered within 20 s, 17.4 % wait at all, 71 % occupancy.

// One agent fewer misses the target.
export const thirteen = erlangC({ arrivalsPerHour: 200, aht: '3m', agents: 13 });
// thirteen.serviceLevel('20s') ≈ 0.796

// Callers hang up after 5 minutes on average: Erlang A needs one agent fewer, and says how many give up.
export const patient = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target: { answeredWithin: '20s', share: 0.8 }, patience: '5m' });
export const abandoning = erlangA({ arrivalsPerHour: 200, aht: '3m', agents: patient.agents, patience: '5m' });
// patient.agents === 13: 85.8 % answered within 20 s, 2.5 % hang up

// An average-speed-of-answer target, at most 85 % busy.
export const asa = requiredAgents({ arrivalsPerHour: 200, aht: '3m', target: { asa: '15s' }, maxOccupancy: 0.85 });
