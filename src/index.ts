/**
 * serviceflow: customer-service processes as typed XState v5 machines.
 *
 * The inquiry and contact machines, `createProcess` (the pure step over a persisted state), the
 * SLA, escalation and feedback policies with their business calendar, the typed errors, the
 * service desk with `memoryStore` and its schedulers, the KPIs, and the building blocks of custom
 * machines. The other entries: `serviceflow/testing` (simulator, scenarios, invariants),
 * `serviceflow/testing/arbitraries` (fast-check), `serviceflow/postgres`, `serviceflow/bullmq`,
 * `serviceflow/planning`, and `serviceflow/stores` for authors of their own store.
 *
 * This entry decides what `import … from 'serviceflow'` offers; nothing else is public.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * const step = inquiries.start({ id: 'T-1', channel: 'email', customer: { id: 'c-1' }, at: '2026-03-02T09:00:00Z' });
 * step.wakeAt; // when the first-response clock next needs a tick
 * ```
 *
 * @module serviceflow
 */

// Errors: one class per stable code.
export {
  ServiceFlowError,
  InvalidInputError,
  InvalidEventError,
  EventNotAllowedError,
  OutOfOrderError,
  InvalidConfigError,
  IncompatibleStateError,
  ConflictError,
  type ServiceFlowErrorCode,
  type ServiceFlowErrorDetails,
  type ServiceFlowIssue,
} from './errors.js';

// The process: start / send / view / can over a persisted state.
export { createProcess } from './process/createProcess.js';
export type {
  AnyServiceMachine,
  ProcessContextOf,
  ProcessEffectOf,
  ProcessEventOf,
  WithLooseAt,
  ProcessInputOf,
  ProcessOptions,
  ProcessStep,
  ServiceProcess,
  StateMigration,
  StageOf,
  ProcessViewOf,
} from './process/createProcess.js';
export type { InquiryView, ServiceView, SlaClockView } from './process/view.js';
export type { ProcessDefinition } from './process/definition.js';

// The inquiry machine and the building blocks of custom service machines.
export { inquiryMachine, parseInquiryInput, type InquiryMachine } from './machines/inquiry.js';
export type { PureContextFactory } from './machines/pure-context.js';
export {
  serviceActions,
  serviceGuards,
  type InquiryMachineEvent,
  type DeadlineEvent,
  type MetricObservationEvent,
} from './machines/actions.js';
export {
  defaultPolicies,
  resolvePolicies,
  type ServicePolicies,
  type ServicePolicyOptions,
} from './policies/service-policies.js';
export { nextDeadline } from './machines/steps.js';
export { followUpId } from './machines/follow-up-request.js';
export {
  serviceSetup,
  followUpState,
  type ServiceSetupOptions,
  type CustomEventShapes,
  type ServiceSetupEvent,
  type ServiceSetupContext,
  type CustomEventsOf,
} from './machines/service-machine.js';

// Inputs and events (zod schemas and the types that share their names).
export {
  Channel,
  Priority,
  FeedbackKind,
  PendingReason,
  Customer,
  InquiryInput,
  InquiryEvent,
  feedbackScales,
  inquiryEventTypes,
  type InquiryInputInit,
  type InquiryEventInit,
  type InquiryEventType,
} from './schemas/inquiry.js';

// The persisted state: its envelope and context schemas, and the types of the context's parts.
export {
  PERSISTED_FORMAT,
  PersistedState,
  InquiryContext,
  InquiryStage,
  SlaMetric,
  SlaMetricName,
  BuiltInSlaMetric,
  type AnySlaMetric,
  SlaStatus,
  EscalationTrigger,
  Sentiment,
  type Assignee,
  type ContactSummary,
  type EscalationRecord,
  type EscalationState,
  type FeedbackResponse,
  type FeedbackState,
  type FollowUpState,
  type SlaClock,
  type SlaState,
  type StateValue,
  type Survey,
} from './schemas/state.js';

// Effects: the domain events a step returns.
export type {
  InquiryEffect,
  InquiryEffectType,
  InquiryEffectOf,
  StageChangedEffect,
  SlaStartedEffect,
  SlaWarningEffect,
  SlaBreachedEffect,
  SlaMetEffect,
  SlaPausedEffect,
  SlaResumedEffect,
  EscalatedEffect,
  SurveyRequestedEffect,
  SurveyReminderEffect,
  SurveyExpiredEffect,
  FeedbackReceivedEffect,
  InquiryReopenedEffect,
  InquiryClosedEffect,
  InquiryCancelledEffect,
  FollowUpRequestedEffect,
} from './schemas/effects.js';

// Time and text at the door.
export {
  Timestamp,
  instantRange,
  Duration,
  PositiveDuration,
  parseDuration,
  formatDuration,
  type TimestampInput,
  type DurationInput,
  type EpochMs,
} from './schemas/time.js';
export { textLimits, storableText } from './schemas/text.js';

// Policies.
export {
  businessCalendar,
  alwaysOpenCalendar,
  BusinessCalendarConfig,
  type BusinessCalendar,
  type BusinessCalendarConfigInput,
  type NormalisedCalendarConfig,
} from './policies/calendar.js';
export { Condition, matchesCondition, type InquiryFacts } from './policies/conditions.js';
export {
  slaPolicy,
  noSla,
  SlaPolicyConfig,
  SlaTarget,
  type MetricNamesOf,
  type SlaMetricDefinitionInput,
  type SlaPolicy,
  type SlaTargetConfig,
  type SlaTargets,
} from './policies/sla.js';
export {
  builtInSlaMetrics,
  SlaMetricDefinition,
  type SlaPauseCondition,
  type SlaTrigger,
  type SlaTriggerCondition,
  type BuiltInDefinedMetric,
} from './policies/sla-metrics.js';
export {
  escalationPolicy,
  defaultEscalation,
  EscalationPolicyConfig,
  EscalationLevel,
  EscalationRule,
  type EscalationPolicy,
  type EscalationSignal,
  type EscalationDecision,
} from './policies/escalation.js';
export {
  feedbackPolicy,
  defaultFeedback,
  scoreSentiment,
  FeedbackPolicyConfig,
  SurveyRule,
  type FeedbackPolicy,
} from './policies/feedback.js';

// Stores: the contract every store meets, and the in-memory one. Helpers for authors of their own
// store are in `serviceflow/stores`.
export type {
  SnapshotStore,
  StoredSnapshot,
  SnapshotWrite,
  JournalEntry,
  DueQuery,
  JsonValue,
  ParkReason,
  ParkRequest,
  ParkedSnapshot,
} from './stores/store.js';
export { memoryStore, type MemoryStoreOptions } from './stores/memory.js';

// The service desk: many inquiries in one process (store + scheduler + typed event bus).
export { createServiceDesk } from './desk/createServiceDesk.js';
export type {
  ServiceDesk,
  ServiceDeskOptions,
  DeskStep,
  DeskInquiry,
  DeskEffect,
  DeskEffectOf,
  DeskSendOptions,
} from './desk/createServiceDesk.js';
export { systemClock, manualClock, type DeskClock, type DeskTimer, type ManualClock } from './desk/clock.js';
export type { DeskScheduler, SchedulerContext, WakeResult } from './desk/scheduler.js';
export type { RetryOptions } from './desk/retry.js';
export { timerScheduler, type TimerSchedulerOptions } from './desk/timer-scheduler.js';
export { pollingScheduler, type PollingSchedulerOptions } from './desk/polling-scheduler.js';
export type {
  DeskEvents,
  DeskEventSource,
  DeskErrorContext,
  EffectDelivery,
  EffectListener,
} from './desk/effect-bus.js';
export type { OutboxOptions } from './desk/outbox.js';
export type { FollowUpOptions } from './desk/follow-ups.js';

// The contact process (pre-contact → contact → post-contact) and its link to inquiries.
export { contactMachine, parseContactInput, type ContactMachine } from './machines/contact.js';
export { contactCompletedEvent, type ContactCompletedInquiryEvent } from './machines/contact-link.js';
export { contactTimings, type ContactTimings } from './machines/contact-timing.js';
export { contactView, type ContactView } from './process/contact-view.js';
export {
  ContactDirection,
  ContactCustomer,
  CustomerProfile,
  ContactInput,
  ContactEvent,
  contactEventTypes,
  ContactStage,
  ContactOutcome,
  ContactContext,
  type ContactInputInit,
  type ContactEventInit,
  type ContactEventType,
  type ContactRouting,
  type ContactHold,
  type ContactTransfer,
  type ContactAgent,
  type FollowUpTask,
} from './schemas/contact.js';
export type {
  ContactEffect,
  ContactEffectType,
  ContactEffectOf,
  ContactStartedEffect,
  ContactStageChangedEffect,
  ContactIdentifiedEffect,
  ContactQueuedEffect,
  ContactConnectedEffect,
  ContactHeldEffect,
  ContactUnheldEffect,
  ContactTransferredEffect,
  ContactEndedEffect,
  ContactSurveyOfferedEffect,
  ContactFollowUpCreatedEffect,
  ContactCompletedEffect,
  ContactAbandonedEffect,
} from './schemas/contact-effects.js';

// Service KPIs and Mermaid diagrams of the machines.
export {
  computeMetrics,
  type ServiceMetrics,
  type ServiceKpis,
  type ServiceDurations,
  type SlaAttainment,
  type Backlog,
  type ContactKpis,
  type MetricsOptions,
  type MetricsInquiryView,
  type MetricsContactView,
} from './metrics/compute.js';
export type { CustomerKpis } from './metrics/customers.js';
export { durationStats, type DurationStats } from './metrics/stats.js';
export { toMermaid, type MermaidOptions } from './machines/diagram.js';
