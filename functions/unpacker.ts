import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsProcessServices } from '../src/runtime/processServices.js';

/**
 * The unpacker: the pack inbox (packs the subscriptions' rules delivered) →
 * each pack's messages into its subscription's queue, one SQS message each.
 * Reports failed records only, so SQS redelivers just those.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event) => (await awsProcessServices()).unpack(event.Records));
