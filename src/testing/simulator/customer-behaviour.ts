/**
 * How the simulated customers behave: whether and when they answer an agent's question, answer a
 * survey or come back with a follow-up question, and the scores they give. Each method draws from
 * the run's random stream in a fixed order, so a seeded run stays the same.
 */
import type { FeedbackPolicy } from '../../policies/feedback.js';
import type { FeedbackKind } from '../../schemas/inquiry.js';
import { durationSampler, type DurationSampler } from '../distribution.js';
import { cumulativeWeights, type Random } from '../random.js';
import type { SimulationConfig } from '../simulation-options.js';
import { standardScores } from '../standard-desk.js';

interface ScoreTable {
  readonly happy: Float64Array;
  readonly unhappy: Float64Array;
  /** The lowest score of the scale (the table draws an index from 0). */
  readonly base: number;
}

export class CustomerBehaviour {
  private readonly replyRate: number;
  private readonly replyDelay: DurationSampler;
  private readonly reopenRate: number;
  private readonly reopenDelay: DurationSampler;
  private readonly responseRate: number;
  private readonly surveyDelay: DurationSampler;
  private readonly patience: number;
  private readonly scores: Record<FeedbackKind, ScoreTable>;

  constructor(
    config: SimulationConfig,
    private readonly feedback: FeedbackPolicy,
    private readonly random: Random,
  ) {
    const { customers, surveys } = config;
    this.replyRate = customers.replyRate;
    this.replyDelay = durationSampler(customers.replyDelay);
    this.reopenRate = customers.reopenRate;
    this.reopenDelay = durationSampler(customers.reopenDelay);
    this.responseRate = surveys.responseRate;
    this.surveyDelay = durationSampler(surveys.delay);
    this.patience = surveys.patience;
    const table = (kind: FeedbackKind, unhappy: boolean): Float64Array =>
      cumulativeWeights(
        (unhappy ? surveys.unhappyScores[kind] : surveys.scores[kind]) ??
          (unhappy ? standardScores.unhappy[kind] : standardScores.happy[kind]),
      );
    this.scores = {
      csat: { happy: table('csat', false), unhappy: table('csat', true), base: 1 },
      nps: { happy: table('nps', false), unhappy: table('nps', true), base: 0 },
      ces: { happy: table('ces', false), unhappy: table('ces', true), base: 1 },
    };
  }

  /** When a customer asked at `at` answers, or `null` when they will not within `giveUpAfter`. */
  replyAt(at: number, giveUpAfter: number): number | null {
    if (!this.random.chance(this.replyRate)) return null;
    const delay = this.replyDelay(this.random);
    return delay < giveUpAfter ? at + delay : null;
  }

  /** When a customer whose inquiry was resolved at `at` answers its survey, or `null` when they will not. */
  surveyAnswerAt(at: number): number | null {
    if (!this.random.chance(this.responseRate)) return null;
    const delay = this.surveyDelay(this.random);
    return delay < this.feedback.expireAfter ? at + this.feedback.sendAfter + delay : null;
  }

  /** When a customer whose inquiry was resolved at `at` comes back with a question, or `null`. */
  followUpAt(at: number): number | null {
    if (!this.random.chance(this.reopenRate)) return null;
    const delay = this.reopenDelay(this.random);
    return delay < this.feedback.reopenWindow ? at + delay : null;
  }

  /** The score a customer gives, unhappy when the inquiry took longer than their patience. */
  score(kind: FeedbackKind, tookMs: number): number {
    const table = this.scores[kind];
    return this.random.pick(tookMs > this.patience ? table.unhappy : table.happy) + table.base;
  }
}
