/**
 * The type of a contact's read model, which `contactMachine` carries so that `createProcess` types
 * `process.view` by it; `process/contact-view.ts` builds it.
 */
import type { Channel } from '../schemas/inquiry.js';
import type {
  ContactDirection,
  ContactOutcome,
  ContactRouting,
  ContactStage,
  ContactTransfer,
  CustomerProfile,
  FollowUpTask,
} from '../schemas/contact.js';
import type { ContactTimings } from './contact-timing.js';

/**
 * The stable read model of one contact: plain JSON. The timing fields follow
 * {@link ContactTimings}: `handleMs = talkMs + holdMs + wrapUpMs`, talk excludes hold, and a period
 * still under way counts up to the instant the view is read at.
 *
 * @example
 * ```ts
 * import { contactMachine, createProcess, type ContactView } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * const { state } = contacts.start({ id: 'K-1', channel: 'chat', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * const view: ContactView = contacts.view(state, { at: 60_000 });
 * view.stage; // 'preContact'
 * ```
 */
export interface ContactView extends ContactTimings {
  readonly id: string;
  readonly inquiryId?: string;
  readonly channel: Channel;
  readonly direction: ContactDirection;
  readonly stage: ContactStage;
  /** The step within the stage: `identification` / `selfService` / `queue`, or `talking` / `onHold`. */
  readonly status?: string;
  /**
   * The customer: `id` is the identified CRM customer once `customer.identified` arrived, else the
   * id the contact started with (kept as `startedAs`).
   */
  readonly customer: {
    readonly id: string;
    readonly identified: boolean;
    readonly startedAs: string;
    readonly tier?: string;
    readonly name?: string;
    readonly profile?: CustomerProfile;
  };
  /** The queue the contact was last routed to. */
  readonly queue?: string;
  readonly routing: readonly ContactRouting[];
  /** The agent handling the contact now (or last). */
  readonly agentId?: string;
  /** Every agent who handled the contact, in order (the first connected, then each transfer's). */
  readonly agents: readonly string[];
  readonly transfers: readonly ContactTransfer[];
  /** Every hold with its length (a hold under way counts up to the view's instant). */
  readonly holds: readonly { readonly startedAt: number; readonly endedAt?: number; readonly durationMs: number }[];
  readonly outcome?: ContactOutcome;
  readonly disposition?: string;
  /** Whether the contact resolved the issue: set at wrap-up, `true` for self-service, `false` when abandoned. */
  readonly resolved?: boolean;
  readonly surveyOfferedAt?: number;
  readonly followUpTask?: FollowUpTask;
  readonly startedAt: number;
  readonly identifiedAt?: number;
  readonly queuedAt?: number;
  readonly connectedAt?: number;
  readonly endedAt?: number;
  readonly completedAt?: number;
  readonly abandonedAt?: number;
  readonly lastEventAt: number;
  /** Always `null`: a contact has no deadlines. */
  readonly wakeAt: number | null;
}
