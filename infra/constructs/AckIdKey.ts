import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GeneratedAckIdKey } from '../../src/adapters/aws/AckIdKeySecret.js';

/**
 * The key that signs ack ids on AWS: a Secrets Manager secret whose value
 * CloudFormation generates at deployment, so every deployment has its own and
 * no key is ever written in code or in the template. Only the API function
 * reads it (`grantRead`), once per process.
 *
 * Rotation is by hand, and not automatic: the key protects only leases, which
 * live minutes to hours, and ack ids signed with the previous version
 * (AWSPREVIOUS) stay valid, so a rotation costs no lease that a fresh API
 * process settles. See the README for the procedure.
 *
 * @example
 * const key = new AckIdKey(this, 'AckIdKey', { resourcePrefix: 'conveyor' });
 * key.grantRead(functions.api);
 */
export class AckIdKey extends Construct {
  public readonly secret: Secret;

  constructor(scope: Construct, id: string, props: { readonly resourcePrefix: string }) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: `Conveyor (${props.resourcePrefix}): the key that signs ack ids (HMAC-SHA-256); see the README before rotating it.`,
      generateSecretString: {
        passwordLength: GeneratedAckIdKey.length,
        excludePunctuation: GeneratedAckIdKey.excludePunctuation,
        includeSpace: GeneratedAckIdKey.includeSpace,
      },
      // Not data: a deleted deployment's leases are gone with it, and Secrets Manager still keeps a deleted secret 30 days.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by hand (put-secret-value with a new random value, then new API processes): the key only signs ack ids, which live as long as a lease, and ids signed with the previous version stay valid. A rotation function would add a Lambda for a value nothing else depends on.',
    });
  }

  /** Lets `grantee` read the key (GetSecretValue, DescribeSecret on this secret only). */
  public grantRead(grantee: IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
