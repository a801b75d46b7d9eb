import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A resolved CloudFormation value as cdk-nag writes it in a finding: strings as
 * they are, `Fn::Join` joined, `Ref` as `<Name>` and `Fn::GetAtt` as `<Name.Attribute>`.
 *
 * @example
 * flattenCfnValue({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:…']] }); // 'arn:<AWS::Partition>:sqs:…'
 */
export function flattenCfnValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if ('Fn::Join' in node) {
      const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(flattenCfnValue).join(delimiter);
    }
    if ('Ref' in node) return `<${flattenCfnValue(node['Ref'])}>`;
    if ('Fn::GetAtt' in node) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnValue(resource)}.${flattenCfnValue(attribute)}>`;
    }
  }
  return JSON.stringify(value);
}

/**
 * Acknowledges the cdk-nag finding AwsSolutions-IAM5 for one wildcard resource
 * in the policies of `grantee` (and its children), and no other finding.
 */
export function acknowledgeWildcardResource(grantee: IConstruct, resource: string, reason: string): void {
  const text = flattenCfnValue(Stack.of(grantee).resolve(resource));
  Validations.of(grantee).acknowledge({ id: `AwsSolutions-IAM5[Resource::${text}]`, reason });
}
