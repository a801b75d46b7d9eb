export { ConveyorClient } from './ConveyorClient.js';
export { ConveyorError, LeaseLostError, type AckFailureCode, type ApiErrorCode, type ConveyorErrorCode } from './errors.js';
export { RETRY_DEFAULTS, type RetryOptions } from './RetryPolicy.js';
export type { AwsSigningOptions } from './aws/sigV4Signer.js';
export type { MessageContext, MessageHandler, SubscribeOptions, Subscription, SubscriptionStats } from './subscribe/types.js';
export type * from './types.js';
export type { components, operations, paths } from './generated/openapi.js';
