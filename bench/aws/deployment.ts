import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { pino } from 'pino';
import { TokenRegistry } from '../../src/access/TokenRegistry.js';
import { createApiHandler, type ApiContext } from '../../src/http/createApiHandler.js';
import { apiRoutes } from '../../src/http/routes/index.js';
import type { Clock } from '../../src/ports/Clock.js';
import { useEmulatorCredentials } from '../../src/emulation/emulatorCredentials.js';
import { LocalAwsRunner } from '../../src/emulation/LocalAwsRunner.js';
import { setEmulatorClock, startMotoServer, type MotoServer } from '../../src/emulation/motoServer.js';
import { startLocalAws, synthesizeTemplate, type LocalAws } from '../../src/emulation/startLocalAws.js';
import { BillingMeter } from './BillingMeter.js';
import { chunks64k } from './sizes.js';
import { STACK_FUNCTION_ROLES, type FunctionRole } from './usage.js';

const PREFIX = 'conveyor';

/** A clock that can be moved ahead, kept in step with the emulator's (emulator/moto_clock_server.py). */
class MovableClock implements Clock {
  private offsetMs = 0;
  public constructor(private readonly endpoint: string) {}
  public now(): number {
    return Date.now() + this.offsetMs;
  }
  public async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    await setEmulatorClock(this.endpoint, { offsetMs: this.offsetMs, frozenAtMs: null });
  }
}

/**
 * Memory of a user's consumer function: Lambda's default (128 MB), what a
 * function that sets none gets. The user chooses it; the stack does not.
 */
export const CONSUMER_MEMORY_MB = 128;

type StackRole = (typeof STACK_FUNCTION_ROLES)[number];

/**
 * Memory of each function: the stack's as ConveyorStack configures them (read
 * from the synthesized template, not restated here), a consumer's at CONSUMER_MEMORY_MB.
 */
export function functionMemory(template: Record<string, unknown>): Record<FunctionRole, number> {
  const names: Record<StackRole, string> = { api: `${PREFIX}-api`, relay: `${PREFIX}-relay`, unpacker: `${PREFIX}-unpacker`, delayConsumer: `${PREFIX}-delay-consumer`, scheduleTarget: `${PREFIX}-schedule-target` };
  const functions = Object.values((template['Resources'] ?? {}) as Record<string, { Type: string; Properties?: { FunctionName?: unknown; MemorySize?: unknown } }>).filter(
    (resource) => resource.Type === 'AWS::Lambda::Function',
  );
  const memory = Object.fromEntries(
    STACK_FUNCTION_ROLES.map((role) => {
      const found = functions.find((resource) => resource.Properties?.FunctionName === names[role])?.Properties?.MemorySize;
      if (typeof found !== 'number') throw new Error(`ConveyorStack's template has no MemorySize for ${names[role]}`);
      return [role, found];
    }),
  );
  return { ...(memory as Record<StackRole, number>), consumer: CONSUMER_MEMORY_MB };
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: any;
}

/**
 * ConveyorStack on a moto server of its own, with every Lambda handler run in
 * this process under the BillingMeter: the API handler (the same middy handler
 * Lambda runs) for each HTTP call, the relay and the delay consumer from the
 * runner's event source polling, the schedule target from its Scheduler emulation.
 */
export class CostDeployment {
  private constructor(
    private readonly moto: MotoServer,
    private readonly local: LocalAws,
    public readonly runner: LocalAwsRunner,
    public readonly meter: BillingMeter,
    public readonly clock: MovableClock,
    public readonly memoryMb: Record<FunctionRole, number>,
    private readonly inspector: SQSClient,
  ) {}

  public static async start(): Promise<CostDeployment> {
    useEmulatorCredentials();
    const [moto, template] = await Promise.all([startMotoServer(), synthesizeTemplate(PREFIX)]);
    try {
      const memoryMb = functionMemory(template);
      const meter = new BillingMeter(memoryMb);
      const clock = new MovableClock(moto.endpoint);
      const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'error' });
      const local = await startLocalAws({ endpoint: moto.endpoint, logger, clock, template, resourcePrefix: PREFIX, plugins: [meter] });
      const { services } = local;
      // A runner of our own (the one startLocalAws made is never started), so that each handler runs under the meter.
      const runner = new LocalAwsRunner({
        clients: local.clients,
        resources: local.resources,
        clock,
        logger,
        relayFilters: local.relayFilters,
        handlers: {
          relay: (records) => meter.invoke('relay', () => services.relay(records)),
          delayConsumer: (records) => meter.invoke('delayConsumer', () => services.releaseDelayed(records)),
          unpacker: (records) => {
            // Each pack in the inbox is a message EventBridge's rule sent there: a send made for you, billed per 64 KB.
            meter.serviceSqsSends(records.reduce((sends, record) => sends + chunks64k(Buffer.byteLength(record.body)), 0));
            return meter.invoke('unpacker', () => services.unpack(records));
          },
          scheduleTarget: () => {
            meter.schedulerInvocation();
            return meter.invoke('scheduleTarget', () => services.fireSchedules());
          },
        },
      });
      const inspector = new SQSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
      const deployment = new CostDeployment(moto, local, runner, meter, clock, memoryMb, inspector);
      deployment.handler = createApiHandler({ routes: apiRoutes, services: async () => services, logger, tokens: TokenRegistry.empty });
      return deployment;
    } catch (error) {
      await moto.stop();
      throw error;
    }
  }

  private handler: ReturnType<typeof createApiHandler> | undefined;

  /** One HTTP API request: one API Gateway request and one invocation of the API function. */
  public async call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const result = (await this.meter.invoke('api', () => this.handler!(apiEvent(method, path, text), lambdaContext()))) as APIGatewayProxyStructuredResultV2;
    const responseText = result.body ?? '';
    this.meter.apiRequest(Buffer.byteLength(text), Buffer.byteLength(responseText));
    const status = result.statusCode ?? 200;
    const answer = { status, body: responseText === '' ? undefined : JSON.parse(responseText) };
    if (status >= 400) throw new Error(`${method} ${path} answered ${status}: ${responseText}`);
    return answer;
  }

  /** Messages in every subscription queue (not dead-letter queues), read with a client outside the meter. */
  public async queuedMessages(): Promise<number> {
    const { QueueUrls } = await this.inspector.send(new ListQueuesCommand({ QueueNamePrefix: `${PREFIX}-s-`, MaxResults: 1000 }));
    let total = 0;
    for (const url of (QueueUrls ?? []).filter((queueUrl) => !/-dlq(\.fifo)?$/.test(queueUrl))) {
      const { Attributes } = await this.inspector.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      total += Number(Attributes?.['ApproximateNumberOfMessages'] ?? 0) + Number(Attributes?.['ApproximateNumberOfMessagesNotVisible'] ?? 0);
    }
    return total;
  }

  public async stop(): Promise<void> {
    try {
      await this.runner.stop();
      await this.local.close();
      this.inspector.destroy();
    } finally {
      await this.moto.stop();
    }
  }
}

function apiEvent(method: string, path: string, body: string): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'localhost' },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'conveyor-cost-model' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body === '' ? {} : { body }),
    isBase64Encoded: false,
  };
}

function lambdaContext(): ApiContext {
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `${PREFIX}-api`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${PREFIX}-api`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${PREFIX}-api`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  return context;
}
