/**
 * serviceflow: customer-service processes as typed XState v5 machines.
 *
 * This entry decides what `import … from 'serviceflow'` offers; nothing else is public.
 *
 * @module serviceflow
 */
export * from './errors.js';
export { createProcess } from './process/createProcess.js';
export type {
  AnyServiceMachine,
  ProcessContextOf,
  ProcessEffectOf,
  ProcessEventOf,
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

export { inquiryMachine, parseInquiryInput, type InquiryMachine } from './machines/inquiry.js';
export { serviceActions, serviceGuards, type DeadlineEvent, type InquiryMachineEvent } from './machines/actions.js';
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
  checkServiceMachine,
  type ServiceSetupOptions,
  type CustomEventShapes,
  type CustomEventsOf,
} from './machines/service-machine.js';

export * from './schemas/inquiry.js';
export * from './schemas/state.js';
export type * from './schemas/effects.js';
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
  SlaPauseCondition,
  SlaTrigger,
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

export type {
  SnapshotStore,
  StoredSnapshot,
  SnapshotWrite,
  JournalEntry,
  DueQuery,
  JsonValue,
  CheckedSnapshotWrite,
  ParkReason,
  ParkRequest,
  ParkedSnapshot,
} from './stores/store.js';
export {
  journalEntryId,
  checkSnapshotWrite,
  compareSnapshotIds,
  checkQueryInteger,
  createConflict,
  saveConflict,
  parkEntry,
  unparkEntry,
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

// ---------------------------------------------------------------------------------------------
// The contact process (pre-contact → contact → post-contact), linking contacts to inquiries,
// service KPIs, and Mermaid diagrams of the machines.
export { contactMachine, parseContactInput, type ContactMachine } from './machines/contact.js';
export { contactCompletedEvent, type ContactCompletedInquiryEvent } from './machines/contact-link.js';
export { contactTimings, type ContactTimings } from './machines/contact-timing.js';
export { contactView, contactDefinition, type ContactView } from './process/contact-view.js';
export * from './schemas/contact.js';
export type * from './schemas/contact-effects.js';
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
