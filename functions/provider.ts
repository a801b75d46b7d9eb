import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createLogger } from '../src/observability/logger.js';
import { DeclaredResourceHandler, type DeclaredProperties, type ProviderResponse } from '../src/provisioning/DeclaredResourceHandler.js';
import { awsProcessServices } from '../src/runtime/processServices.js';

const logger = createLogger();

/**
 * onEvent handler of the CloudFormation custom resources behind declared
 * topics, subscriptions and schedules (`conveyor/cdk`), under the CDK Provider
 * framework: creates, updates and deletes them through the same broker as the
 * HTTP API. A thrown error fails the deployment with the API's message.
 */
export const handler = middy<CloudFormationCustomResourceEvent<DeclaredProperties>, ProviderResponse>().handler(async (event) =>
  new DeclaredResourceHandler((await awsProcessServices()).broker, logger).handle(event),
);
