import { pino } from 'pino';
import { handler as apiHandler } from '../../../functions/api.js';
import type { SqsLambdaHandler } from '../../../src/emulation/lambdaContext.js';
import { LocalServer } from '../../../src/server/LocalServer.js';
import { startLocalAwsFixture } from '../../aws/localAwsFixture.js';
import { ApiClient } from '../../contract/harness/ApiClient.js';
import { Conveyor } from '../../contract/harness/Conveyor.js';
import { createIdempotencyTable, MappingDriver, type AttachedConsumer } from '../mappingFixtures.js';
import { BILLING_HANDLER, IDEMPOTENCY_TABLE, type ConsumerPath, type ConsumerPathFactory } from './ConsumerPath.js';

/** What the handler module reads from the environment here, in this process. */
const HANDLER_ENV = ['BILLING_LEDGER', 'IDEMPOTENCY_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB', 'POWERTOOLS_LOG_LEVEL'] as const;

/**
 * The AWS backend on the emulator (relay, EventBridge, SQS) behind the local
 * server, with the handler module attached to the subscription's queue through
 * the local runner's emulated SQS event source mapping, in this process.
 */
export const mappingPath: ConsumerPathFactory = {
  name: 'the emulated event source mapping on the AWS backend',
  start: async (): Promise<ConsumerPath> => {
    const aws = await startLocalAwsFixture();
    await createIdempotencyTable(aws.local.clients.dynamoTables, IDEMPOTENCY_TABLE);
    const logger = pino({ level: 'silent' });
    const server = new LocalServer({ handler: apiHandler, services: aws.local.services, logger, drainTimeoutMs: 1000 });
    const url = await server.listen(0, '127.0.0.1');
    aws.local.runner.start();
    const driver = new MappingDriver(aws);
    let attached: AttachedConsumer | undefined;
    return {
      name: mappingPath.name,
      api: new Conveyor(new ApiClient(url)),
      // SQS's redrive moves it on the receive after maxDeliveries (maxReceiveCount is one more), with no reason.
      deadLetterOf: (maxDeliveries) => ({ deliveryAttempt: maxDeliveries + 1, lastError: null }),
      consume: async (topic, subscription, ledger) => {
        Object.assign(process.env, { BILLING_LEDGER: ledger, IDEMPOTENCY_TABLE, AWS_ENDPOINT_URL_DYNAMODB: aws.emulator.endpoint, POWERTOOLS_LOG_LEVEL: 'SILENT' });
        const { handler } = (await import(BILLING_HANDLER)) as { handler: SqsLambdaHandler };
        attached = await driver.attach(topic, subscription, handler, 5);
      },
      stopConsuming: async () => {
        attached?.detach();
        return { exitCode: null, stderr: '' };
      },
      stop: async () => {
        driver.forget();
        for (const name of HANDLER_ENV) delete process.env[name];
        await server.stop();
        await aws.stop();
      },
    };
  },
};
