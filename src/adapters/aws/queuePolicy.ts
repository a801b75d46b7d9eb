/** One statement of an SQS queue policy. */
interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: '*' | { readonly Service: string };
  readonly Action: string;
  readonly Resource: string;
  readonly Condition: Record<string, Record<string, string>>;
}

/**
 * The policy of a queue created at runtime (a subscription's queue or its
 * dead-letter queue): every request without TLS is refused, as on the stack's
 * own queues; with `ruleArn`, EventBridge may deliver that rule's events to the
 * queue, and nothing else may.
 *
 * @example
 * queuePolicy(deadLetterQueueArn);        // TLS only
 * queuePolicy(queueArn, ruleArn);        // TLS only, and the subscription's rule delivers
 */
export function queuePolicy(queueArn: string, ruleArn?: string): string {
  const statements: PolicyStatement[] = [
    {
      Sid: 'ConveyorTlsOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: queueArn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  if (ruleArn !== undefined) {
    statements.push({
      Sid: 'ConveyorRuleDelivers',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
