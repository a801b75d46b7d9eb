import type { Subscription } from '../../../domain/types.js';
import { sqsJson } from '../sqs/queueMessages.js';

/**
 * Packed fan-out, as it crosses EventBridge and the pack inbox:
 *
 * 1. The relay puts one event per group of messages bound for the same set of
 *    unordered subscriptions (its core matcher applies their filters):
 *    source `conveyor.pack`, detail-type the topic, detail a Pack naming the
 *    subscriptions in `to` (their rule names) and holding the messages.
 * 2. Each subscription's rule matches its own name in `detail.to` (an event
 *    field that is an array matches when any element does), and its target,
 *    the deployment's pack inbox queue, receives a PackDelivery: the input
 *    transformer wraps the pack with the name of the subscription's queue.
 * 3. The unpacker (PackUnpacker) sends each delivery's messages to that queue,
 *    10 per SendMessageBatch, each its own SQS message as before.
 *
 * So EventBridge still routes every message to its subscriptions, and bills
 * per 64 KB of event instead of per message.
 */

/** `source` of the events that carry packs; per-message events keep `conveyor`. */
export const PACK_SOURCE = 'conveyor.pack';

/** The name the input transformer gives the event's detail in its template. */
const PACK_INPUT = 'pack';

/** The detail of a pack event: the subscriptions it is for (rule names) and the queued messages (QueuedMessage). */
export interface Pack {
  readonly to: readonly string[];
  readonly messages: readonly unknown[];
}

/**
 * What the pack inbox receives from one subscription's rule: the queue to
 * unpack into, and the pack; `attempt` counts the times the unpacker sent
 * messages SQS refused back to the inbox (absent from what a rule delivers).
 */
export interface PackDelivery {
  readonly queue: string;
  readonly pack: Pack;
  readonly attempt?: number;
}

/** A pack delivery as the unpacker reads it: each message as the text its subscription queue gets. */
export interface ReadPackDelivery {
  readonly queue: string;
  readonly bodies: string[];
  readonly attempt: number;
}

/**
 * How the relay reaches an unordered subscription: `pack` for subscriptions
 * whose rule matches packs, `event` for those whose rule matches one event per
 * message and filters it: every subscription created before packs, and those
 * created while the stack's `fanOut` setting says `event` (for the deploy that
 * upgrades a deployment from a version without packs).
 */
export const FAN_OUTS = ['pack', 'event'] as const;
export type FanOut = (typeof FAN_OUTS)[number];

/** The environment variable of the stack's `fanOut` setting: how the API makes new subscriptions. */
export const FAN_OUT_ENV = 'CONVEYOR_FAN_OUT';

/** A subscription of a topic, with how the relay reaches it. */
export interface RoutedSubscription {
  readonly subscription: Subscription;
  readonly fanOut: FanOut;
}

/**
 * The event pattern of a packed subscription's rule: packs of its topic that
 * name it.
 *
 * @example
 * packRulePattern('orders', 'conveyor-s-3f2a…');
 * // {"source":["conveyor.pack"],"detail-type":["orders"],"detail":{"to":["conveyor-s-3f2a…"]}}
 */
export function packRulePattern(topic: string, ruleName: string): string {
  return JSON.stringify({ source: [PACK_SOURCE], 'detail-type': [topic], detail: { to: [ruleName] } });
}

/**
 * The input transformer of a packed subscription's rule target: the pack,
 * wrapped with the queue the unpacker sends its messages to.
 *
 * @example
 * packInputTransformer('conveyor-s-3f2a…');
 * // { InputPathsMap: { pack: '$.detail' }, InputTemplate: '{"queue":"conveyor-s-3f2a…","pack":<pack>}' }
 */
export function packInputTransformer(queueName: string): { InputPathsMap: Record<string, string>; InputTemplate: string } {
  return { InputPathsMap: { [PACK_INPUT]: '$.detail' }, InputTemplate: `{"queue":${JSON.stringify(queueName)},"${PACK_INPUT}":<${PACK_INPUT}>}` };
}

/**
 * The detail text of a pack, from the messages' queued JSON texts (spliced in
 * as they are, not parsed again).
 */
export function packDetail(to: readonly string[], messageTexts: readonly string[]): string {
  return `${packHead(to)}${messageTexts.join(',')}]}`;
}

/** The detail's text before the first message; `packDetail` closes it with `]}`. */
export function packHead(to: readonly string[]): string {
  return `{"to":${JSON.stringify(to)},"messages":[`;
}

/** The inbox message that sends messages (their queued texts) back to the inbox for `queue`, on their `attempt`-th return. */
export function packDelivery(queue: string, messageTexts: readonly string[], attempt: number): string {
  return `{"queue":${JSON.stringify(queue)},"attempt":${attempt},"${PACK_INPUT}":${packDetail([], messageTexts)}}`;
}

/** A pack delivery read from the inbox message's body (sqsJson texts, which SQS accepts); null for anything else. */
export function readPackDelivery(text: string): ReadPackDelivery | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(parsed) || typeof parsed['queue'] !== 'string' || !isObject(parsed[PACK_INPUT])) return null;
  const messages = parsed[PACK_INPUT]['messages'];
  if (!Array.isArray(messages) || !messages.every(isObject)) return null;
  const attempt = parsed['attempt'] ?? 0;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 0) return null;
  return { queue: parsed['queue'], bodies: messages.map((message) => sqsJson(message)), attempt };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
