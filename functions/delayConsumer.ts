import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsProcessServices } from '../src/runtime/processServices.js';

/**
 * The delay-queue consumer: appends delayed messages to the log once due, and
 * sends early ones back for the rest of their wait. Reports failed records
 * only, so SQS redelivers just those.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event) => (await awsProcessServices()).releaseDelayed(event.Records));
