import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConflictException, CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { CreateSecretCommand, DescribeSecretCommand, GetRandomPasswordCommand, ResourceExistsException } from '@aws-sdk/client-secrets-manager';
import type { Logger } from 'pino';
import { GeneratedAckIdKey } from '../adapters/aws/AckIdKeySecret.js';
import { createAwsClients, type AwsClients, type ClientPlugin } from '../adapters/aws/clients.js';
import { OPTIONAL_RESOURCES, ResourceOutput, type AwsResources } from '../adapters/aws/resources.js';
import { systemClock, type Clock } from '../ports/Clock.js';
import { createAwsServices, type AwsServices } from '../runtime/createAwsServices.js';
import { ActivityMonitor } from './ActivityMonitor.js';
import { deployToEmulator } from './EmulatorStack.js';
import { streamMappingFilters, type FilterPattern } from './eventFilters.js';
import { LocalAwsRunner } from './LocalAwsRunner.js';

export interface LocalAwsOptions {
  /** The emulator (moto's server, LocalStack…). */
  readonly endpoint: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** CloudFormation stack of this deployment. @default 'conveyor-local' */
  readonly stackName?: string;
  /** ConveyorStack's resourcePrefix; distinct prefixes let deployments share one emulator. @default 'conveyor' */
  readonly resourcePrefix?: string;
  /** A synthesized ConveyorStack template; synthesized here when absent. */
  readonly template?: Record<string, unknown>;
  readonly plugins?: readonly ClientPlugin[];
  /** Pause of the runner's background loop when idle. @default 100 */
  readonly idleMs?: number;
  /** Most bytes of messages one log read, pull or dead-letter listing returns. @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
  /** An access log line per request (CONVEYOR_ACCESS_LOG). @default true */
  readonly accessLog?: boolean;
}

export interface LocalAws {
  readonly resources: AwsResources;
  readonly clients: AwsClients;
  readonly services: AwsServices;
  readonly runner: LocalAwsRunner;
  /** The relay's event source filters of the deployed template, for a runner of one's own (LocalAwsRunner's `relayFilters`). */
  readonly relayFilters: readonly FilterPattern[];
  /** Stops the runner and the services; the emulator keeps the resources. */
  close(): Promise<void>;
}

/** Synthesizes ConveyorStack's template in this process, without bundling the functions. */
export async function synthesizeTemplate(resourcePrefix: string): Promise<Record<string, unknown>> {
  const { synthesizeConveyorTemplate } = await import('../../infra/synthesize.js');
  return synthesizeConveyorTemplate({ resourcePrefix });
}

function resourcesFrom(outputs: Record<string, string>, prefix: string, region: string): AwsResources {
  const fields = Object.entries(ResourceOutput).map(([field, output]) => [field, outputs[output]]);
  const resources = Object.fromEntries(fields) as Record<keyof AwsResources, string | undefined>;
  // The schedule target is a function; the runner plays it in this process under this name.
  resources.scheduleTargetArn ??= `arn:aws:lambda:${region}:000000000000:function:${prefix}-schedule-target`;
  // The emulator has no CloudFormation model for schedule groups: the group is created below under the stack's name.
  resources.scheduleGroup ??= prefix;
  // The alarm topic is optional (the stack has one only with alarmEmail) and never in the emulator's part of it.
  const missing = Object.entries(resources)
    .filter(([field, value]) => value === undefined && !OPTIONAL_RESOURCES.has(field as keyof AwsResources))
    .map(([field]) => field);
  if (missing.length > 0) throw new Error(`the emulator's stack has no output for ${missing.join(', ')}`);
  return resources as AwsResources;
}

/**
 * The stack's ack-id key, made as CloudFormation would make it (a generated
 * value of the same form); the one already there when this deployment runs
 * again on the same emulator. Answers its ARN.
 */
async function ackIdKeySecret(clients: AwsClients, name: string): Promise<string> {
  const { RandomPassword } = await clients.secrets.send(
    new GetRandomPasswordCommand({ PasswordLength: GeneratedAckIdKey.length, ExcludePunctuation: GeneratedAckIdKey.excludePunctuation, IncludeSpace: GeneratedAckIdKey.includeSpace }),
  );
  try {
    const created = await clients.secrets.send(new CreateSecretCommand({ Name: name, SecretString: RandomPassword, Description: 'Conveyor (emulator): the key that signs ack ids' }));
    if (created.ARN !== undefined) return created.ARN;
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
  }
  const existing = await clients.secrets.send(new DescribeSecretCommand({ SecretId: name }));
  if (existing.ARN === undefined) throw new Error(`the emulator describes secret ${name} without an ARN`);
  return existing.ARN;
}

/**
 * Runs the AWS deployment against an emulator: deploys ConveyorStack's template
 * (the parts the emulator can create) through CloudFormation, creates what the
 * emulator's CloudFormation cannot, wires the broker to those resources, and
 * plays the functions' event sources with a LocalAwsRunner.
 *
 * @example
 * const local = await startLocalAws({ endpoint: 'http://127.0.0.1:5000', logger });
 * local.runner.start();
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const prefix = options.resourcePrefix ?? 'conveyor';
  const clock = options.clock ?? systemClock;
  const activity = new ActivityMonitor();
  const clients = createAwsClients({ endpoint: options.endpoint, plugins: [activity, ...(options.plugins ?? [])] });
  const region = await clients.sqs.config.region();
  const cloudformation = new CloudFormationClient({ endpoint: options.endpoint, region });
  try {
    const template = options.template ?? (await synthesizeTemplate(prefix));
    const outputs = await deployToEmulator(cloudformation, template, options.stackName ?? `${prefix}-local`);
    // moto's CloudFormation has no model for AWS::SecretsManager::Secret: the key is created through the API instead.
    outputs[ResourceOutput.ackKeySecretArn] ??= await ackIdKeySecret(clients, `${prefix}-ack-id-key`);
    const resources = resourcesFrom(outputs, prefix, region);
    try {
      await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: resources.scheduleGroup }));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
    const services = createAwsServices({
      clients,
      resources,
      logger: options.logger,
      clock,
      ...(options.responseBytes === undefined ? {} : { responseBytes: options.responseBytes }),
      ...(options.accessLog === undefined ? {} : { accessLog: options.accessLog }),
    });
    const relayFilters = streamMappingFilters(template);
    const runner = new LocalAwsRunner({
      clients,
      resources,
      clock,
      logger: options.logger,
      activity,
      ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
      relayFilters,
      handlers: { relay: services.relay, delayConsumer: services.releaseDelayed, unpacker: services.unpack, scheduleTarget: services.fireSchedules },
    });
    return {
      resources,
      clients,
      services,
      runner,
      relayFilters,
      close: async () => {
        await runner.stop();
        await services.close();
        clients.destroy();
      },
    };
  } finally {
    cloudformation.destroy();
  }
}
