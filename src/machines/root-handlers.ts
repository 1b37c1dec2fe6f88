/**
 * The transitions every open state of a service machine takes, declared once at the machine's
 * root: the conversation, attribute changes, manual escalation, contacts, and time. States refine
 * them (a categorize that also moves the stage, a customer reply that reopens).
 */
export const serviceRootHandlers = {
  'agent.reply': { actions: 'recordAgentReply' },
  'customer.reply': { actions: 'recordCustomerReply' },
  categorize: { actions: 'categorize' },
  prioritize: { actions: 'prioritize' },
  assign: { actions: 'assign' },
  escalate: { actions: 'escalate' },
  'contact.completed': { actions: 'recordContact' },
  tick: { actions: 'advanceTime' },
  deadline: { actions: 'fireDeadlines' },
  'sla.observe': { actions: 'observeMetrics' },
} as const;
