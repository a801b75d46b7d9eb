/** Limits and defaults of the public API (docs/openapi.yaml states the same numbers). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$/;

export const TopicLimits = {
  partitions: { min: 1, max: 64, default: 4 },
  retentionHours: { min: 1, max: 8760, default: 168 },
  dedupWindowSeconds: { min: 0, max: 86_400, default: 3600 },
} as const;

export const PublishLimits = {
  messagesPerRequest: { min: 1, max: 500 },
  /**
   * The whole stored message: UTF-8 bytes of the serialized body, the key, the id
   * and every attribute name and value. SQS and SNS count attributes the same way.
   */
  messageBytes: 256 * 1024,
  /** Objects and arrays nested deeper than this are refused: filters and JSON walk bodies recursively. */
  bodyDepth: 64,
  requestBytes: 5 * 1024 * 1024,
  keyLength: 256,
  idLength: 128,
  attributes: 32,
  attributeNameLength: 128,
  attributeValueLength: 4096,
  delaySeconds: { min: 0, max: 31_536_000 },
} as const;

export const SubscriptionLimits = {
  ackDeadlineSeconds: { min: 1, max: 43_200, default: 30 },
  maxDeliveries: { min: 1, max: 100, default: 5 },
  retryBackoffSeconds: { min: 0, max: 86_400, defaultMin: 1, defaultMax: 600 },
} as const;

export const PullLimits = {
  max: { min: 1, max: 100, default: 10 },
  waitSeconds: { min: 0, max: 20, default: 0 },
} as const;

export const ReadLimits = {
  limit: { min: 1, max: 1000, default: 100 },
} as const;

export const DeadLetterLimits = {
  limit: { min: 1, max: 1000, default: 100 },
} as const;

export const DelayedLimits = {
  limit: { min: 1, max: 1000, default: 100 },
  /** A cursor is opaque; this bounds what is read before it is judged. */
  cursorLength: 1024,
} as const;

export const AckLimits = {
  ackIds: { min: 1, max: 1000 },
  /** Room for an SQS receipt handle (up to 1024 characters) in the AWS backend's ack ids. */
  ackIdLength: 2048,
  extendSeconds: { min: 0, max: 43_200 },
  nackDelaySeconds: { min: 0, max: 43_200 },
  reasonLength: 1024,
} as const;

/**
 * Responses that return messages (log reads, pulls, dead-letter and delayed listings) stop
 * adding messages once their encoded size would pass this many bytes, and always
 * hold at least one message: a message is at most PublishLimits.messageBytes.
 * Reads say where to continue (`nextOffset`); a pull simply returns fewer. 4 MiB by
 * default: ten concurrent maximal reads of 256 KiB messages peaked at 135–153 MB of
 * server RSS with it, and at 234–307 MB with 8 MiB, around the 300 MB they must stay under.
 */
export const ResponseLimits = {
  bytes: { min: 512 * 1024, max: 64 * 1024 * 1024, default: 4 * 1024 * 1024 },
} as const;

export const StartFrom = { Latest: 'latest', Earliest: 'earliest' } as const;
export type StartFrom = (typeof StartFrom)[keyof typeof StartFrom];

export const AckFailure = { LeaseExpired: 'LeaseExpired', InvalidAckId: 'InvalidAckId' } as const;
export type AckFailure = (typeof AckFailure)[keyof typeof AckFailure];
