import { CreateStackCommand, DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { setTimeout as sleep } from 'node:timers/promises';

type Template = { Resources?: Record<string, { Type: string }>; Outputs?: Record<string, unknown>; Parameters?: Record<string, unknown>; Rules?: unknown; Conditions?: unknown };

/**
 * Resource types of ConveyorStack that moto's CloudFormation creates. The rest
 * is left out when the stack is deployed to the emulator, because the local
 * runner plays its part in this process or moto has no CloudFormation model for it:
 * - Lambda functions, their event source mappings and permissions: the runner
 *   invokes the handlers in-process and polls their event sources itself.
 * - API Gateway: the local HTTP server calls the API handler directly.
 * - AWS::Scheduler::ScheduleGroup: no model in moto; the runner creates the group through the API.
 * - AWS::SecretsManager::Secret (the ack-id key): no model in moto 5's CloudFormation;
 *   startLocalAws creates the secret through the API, with a value of the same form.
 * - CloudWatch alarms and dashboard, SNS, KMS, log groups, SQS queue policies: nothing local reads them.
 */
export const EMULATED_TYPES: ReadonlySet<string> = new Set(['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Events::EventBus', 'AWS::IAM::Role']);

/** Every logical id `value` refers to through Ref, Fn::GetAtt or Fn::Sub. */
function references(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) references(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
      else if (key === 'Fn::Sub') for (const match of JSON.stringify(inner).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) found.add(match[1]!);
      references(inner, found);
    }
  }
  return found;
}

/**
 * moto answers `Ref` of an AWS::Events::EventBus with the repr of its Python
 * object instead of the bus name; `Fn::GetAtt [bus, Name]` is the same value in
 * AWS and right in moto, so Refs to buses are rewritten to it.
 */
function refsToBusNames(value: unknown, buses: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => refsToBusNames(item, buses));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === 'Ref' && buses.has(String(entries[0]![1]))) return { 'Fn::GetAtt': [entries[0]![1], 'Name'] };
  return Object.fromEntries(entries.map(([key, inner]) => [key, refsToBusNames(inner, buses)]));
}

/**
 * The part of a synthesized template the emulator can deploy: emulated resource
 * types whose references stay inside the kept set, the outputs that only refer
 * to them, and none of the CDK bootstrap checks. Resources the runner replaces
 * (the schedule target function) are answered by `outputOverrides`.
 */
export function emulatorTemplate(template: Template): Template {
  const resources = template.Resources ?? {};
  const kept = new Set(Object.keys(resources).filter((id) => EMULATED_TYPES.has(resources[id]!.Type)));
  const builtIn = (id: string): boolean => id.startsWith('AWS::');
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of kept) {
      if ([...references(resources[id])].some((ref) => !kept.has(ref) && !builtIn(ref))) {
        kept.delete(id);
        changed = true;
      }
    }
  }
  const outputs = Object.fromEntries(Object.entries(template.Outputs ?? {}).filter(([, output]) => [...references(output)].every((ref) => kept.has(ref) || builtIn(ref))));
  const buses = new Set([...kept].filter((id) => resources[id]!.Type === 'AWS::Events::EventBus'));
  return refsToBusNames({ Resources: Object.fromEntries([...kept].map((id) => [id, resources[id]!])), Outputs: outputs }, buses) as Template;
}

/**
 * Deploys the emulated part of the template as a CloudFormation stack, waits
 * for it, and returns its outputs by key.
 *
 * @example
 * const outputs = await deployToEmulator(cloudformation, synthesizeConveyorTemplate(), 'conveyor-local');
 */
export async function deployToEmulator(cloudformation: CloudFormationClient, template: Template, stackName: string, timeoutMs = 60_000): Promise<Record<string, string>> {
  await cloudformation.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(emulatorTemplate(template)), Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (status === 'CREATE_COMPLETE') return Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
    if (!status.endsWith('IN_PROGRESS')) throw new Error(`stack ${stackName} ended in ${status}: ${stack?.StackStatusReason ?? 'no reason given'}`);
    if (Date.now() > deadline) throw new Error(`stack ${stackName} still ${status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}
