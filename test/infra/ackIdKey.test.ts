import { Match } from 'aws-cdk-lib/assertions';
import { GeneratedAckIdKey } from '../../src/adapters/aws/AckIdKeySecret.js';
import { AckIdSigner } from '../../src/adapters/aws/sqs/AckIdSigner.js';
import { ResourceEnv } from '../../src/adapters/aws/resources.js';
import { grantsOf, logicalIdOf, synthesizeStack } from './fixtures.js';

const synthesized = synthesizeStack();
const { template, stack } = synthesized;
const secretId = (): string => logicalIdOf(stack.ackIdKey.secret);

describe('Construct: AckIdKey', () => {
  it('keeps one secret whose value CloudFormation generates: letters and digits, long enough for AckIdSigner', () => {
    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: GeneratedAckIdKey.length, ExcludePunctuation: true, IncludeSpace: false },
      SecretString: Match.absent(),
    });
    expect(GeneratedAckIdKey.length).toBeGreaterThanOrEqual(AckIdSigner.minKeyBytes);
  });

  it('is not rotated automatically (no rotation schedule), and goes with the stack', () => {
    // Assess
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(template.toJSON()['Resources'][secretId()]).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it('lets the API read it, and no other function', () => {
    // Prepare
    const { api, relay, delayConsumer, scheduleTarget } = stack.functions;

    // Act
    const readers = Object.fromEntries(Object.entries({ api, relay, delayConsumer, scheduleTarget }).map(([name, fn]) => [name, grantsOf(synthesized, fn.role, 'secretsmanager:GetSecretValue')]));

    // Assess
    expect(readers).toEqual({ api: [`<${secretId()}>`], relay: [], delayConsumer: [], scheduleTarget: [] });
  });

  it('gives its ARN to the functions in CONVEYOR_ACK_KEY_SECRET_ARN, and outputs it as AckKeySecretArn', () => {
    // Assess
    expect(ResourceEnv.ackKeySecretArn).toBe('CONVEYOR_ACK_KEY_SECRET_ARN');
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'conveyor-api',
      Environment: { Variables: { CONVEYOR_ACK_KEY_SECRET_ARN: { Ref: secretId() } } },
    });
    template.hasOutput('AckKeySecretArn', { Value: { Ref: secretId() } });
  });
});
