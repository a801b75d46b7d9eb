export type { Backend } from './Backend.js';
export { systemClock, type Clock } from './Clock.js';
export type { DeadLetterQueues } from './DeadLetterQueues.js';
export type { DelayedMessages } from './DelayedMessages.js';
export type { GroupOffsets } from './GroupOffsets.js';
export type { LogEntry, PublishOutcome, MessageLog, ReadPage, ReadPosition } from './MessageLog.js';
export { SubscriptionUpdate, type Created, type MetadataStore } from './MetadataStore.js';
export type { ReceiveOptions, SubscriptionQueues } from './SubscriptionQueues.js';
export { noTelemetry, type Telemetry } from './Telemetry.js';
