export { consume, type ConsumerHandler } from './consume.js';
export { ConsumerConfigurationError, DeliveriesExhaustedError, UndecodableMessageError } from './errors.js';
export { takeFailure } from './failureRegistry.js';
export { parseSubscriptionName, SUBSCRIPTION_QUEUES_ENV, subscriptionQueueEntries, subscriptionQueuesVariable, type SubscriptionQueueBinding } from './subscriptionQueues.js';
export type { ConsumedMessage, ConsumeOptions, IdempotencyOptions, MessageContext, MessageHandler } from './types.js';
