import type { CompressionMeasurement } from './compression.js';
import type { LambdaConsumerMeasurement } from './lambdaConsumer.js';
import type { DelayedMeasurement, FanOutMeasurement, Measurement } from './scenarios.js';

/** Everything one `--aws` run measured. */
export interface AwsMeasurements {
  readonly messagesPerRun: number;
  readonly memoryMb: Readonly<Record<string, number>>;
  readonly fanOut: readonly FanOutMeasurement[];
  readonly pullAck: readonly Measurement[];
  readonly pullBatches: readonly number[];
  readonly delayed: readonly DelayedMeasurement[];
  /** Subscriptions drained by a Lambda function through an SQS event source mapping, per batch size. */
  readonly lambdaConsumers: readonly LambdaConsumerMeasurement[];
  /** Publishes of bodies of each kind, for what the compression of record batches does with them. */
  readonly compression: readonly CompressionMeasurement[];
}
