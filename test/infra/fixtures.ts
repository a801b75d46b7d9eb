import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ConveyorStack } from '../../infra/ConveyorStack.js';
import { flattenCfnValue } from '../../infra/nag.js';
import type { ConveyorStackProps } from '../../infra/settings.js';

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: ConveyorStack;
  readonly template: Template;
}

/** App context that skips bundling the functions: their code assets become placeholders. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** ConveyorStack synthesized without bundling; `prepare` runs on the app before synthesis. */
export function synthesizeStack(props: ConveyorStackProps = {}, prepare?: (app: App) => void): SynthesizedStack {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new ConveyorStack(app, 'ConveyorStack', props);
  prepare?.(app);
  return { app, stack, template: Template.fromStack(stack) };
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

/** Each resource of a statement as cdk-nag would print it, e.g. `arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:conveyor-s-*`. */
export const resourcesOf = (statement: Statement): string[] =>
  (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(flattenCfnValue);

export const logicalIdOf = (construct: IConstruct): string => {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
};

/** Every statement of every policy attached to `role`. */
export function statementsOf(synthesized: Pick<SynthesizedStack, 'template'>, role: IConstruct): Statement[] {
  const roleId = logicalIdOf(role);
  const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy')) as Array<{
    Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } };
  }>;
  return policies.filter((policy) => policy.Properties.Roles.some((ref) => ref.Ref === roleId)).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The statements of `role` that allow `action`, with their resources flattened. */
export function grantsOf(synthesized: Pick<SynthesizedStack, 'template'>, role: IConstruct, action: string): string[] {
  return statementsOf(synthesized, role)
    .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action))
    .flatMap(resourcesOf);
}
