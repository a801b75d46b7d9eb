import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { awsProcessServices } from '../src/runtime/processServices.js';

/**
 * The stream relay: DynamoDB stream of the log table → EventBridge (unordered
 * subscriptions) and FIFO queues (ordered ones). Reports the first record it
 * could not relay, so the event source mapping retries from there.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => (await awsProcessServices()).relay(event.Records));
