import type { DeadLetterQueues } from './DeadLetterQueues.js';
import type { DelayedMessages } from './DelayedMessages.js';
import type { GroupOffsets } from './GroupOffsets.js';
import type { MessageLog } from './MessageLog.js';
import type { MetadataStore } from './MetadataStore.js';
import type { SubscriptionQueues } from './SubscriptionQueues.js';

/** One complete set of adapters: the embedded SQLite one, or the AWS one. */
export interface Backend {
  readonly name: string;
  readonly metadata: MetadataStore;
  readonly log: MessageLog;
  readonly delayed: DelayedMessages;
  readonly queues: SubscriptionQueues;
  readonly deadLetters: DeadLetterQueues;
  readonly groups: GroupOffsets;
  /** Finishes in-flight writes, then releases the store. */
  close(): Promise<void>;
}
