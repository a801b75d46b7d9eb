import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UnavailableError } from '../../domain/errors.js';
import { AckIdSigner } from './sqs/AckIdSigner.js';

/**
 * The key the stack generates (and the emulator setup, through the API): 64
 * letters and digits, about 380 bits, well past AckIdSigner.minKeyBytes.
 */
export const GeneratedAckIdKey = { length: 64, excludePunctuation: true, includeSpace: false } as const;

/** Secrets Manager's staging labels: the value in use, and the one it replaced at the last rotation. */
const Stage = { Current: 'AWSCURRENT', Previous: 'AWSPREVIOUS' } as const;
type Stage = (typeof Stage)[keyof typeof Stage];

/**
 * The key that signs ack ids, read from the deployment's Secrets Manager
 * secret (`ackKeySecretArn`, created by the stack with a random value). It is
 * read once per process, on the first pull, ack, nack or extend, and kept: the
 * other functions never read it, so only the API function needs the grant.
 * Ack ids signed with the secret's previous version (AWSPREVIOUS) stay valid,
 * so the leases taken before a rotation can still be acked.
 *
 * @example
 * const key = new AckIdKeySecret(clients.secrets, resources.ackKeySecretArn);
 * const signer = await key.signer();
 */
export class AckIdKeySecret {
  private loading: Promise<AckIdSigner> | undefined;

  public constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  /**
   * The signer of this process. A failed read is not kept: the next call reads again.
   *
   * @throws UnavailableError when the secret cannot be read, or holds no usable key.
   */
  public signer(): Promise<AckIdSigner> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async load(): Promise<AckIdSigner> {
    const [current, previous] = await Promise.all([this.read(Stage.Current), this.read(Stage.Previous)]);
    if (current === null) throw this.unavailable(`it does not exist, or has no ${Stage.Current} version`);
    try {
      return new AckIdSigner(current, previous === null ? [] : [previous]);
    } catch (error) {
      throw this.unavailable('its value is too short to be a signing key', error);
    }
  }

  /** The key bytes of one version, or null when there is no such secret or no version at that stage. */
  private async read(stage: Stage): Promise<Buffer | null> {
    try {
      const value = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn, VersionStage: stage }));
      if (value.SecretString !== undefined) return Buffer.from(value.SecretString, 'utf8');
      if (value.SecretBinary !== undefined) return Buffer.from(value.SecretBinary);
      throw this.unavailable(`its ${stage} version has no value`);
    } catch (error) {
      if (error instanceof UnavailableError) throw error;
      // Before the first rotation there is no previous version: Secrets Manager answers ResourceNotFound for the label.
      if (error instanceof ResourceNotFoundException) return null;
      throw this.unavailable(`reading its ${stage} version failed (${error instanceof Error ? error.name : String(error)})`, error);
    }
  }

  /** 503: without the key no ack id can be made or checked, and nothing is leased or settled. The ARN stays in the logs (cause), out of the answer. */
  private unavailable(why: string, cause?: unknown): UnavailableError {
    return new UnavailableError(`the key that signs ack ids cannot be read from Secrets Manager: ${why}; retry later`, cause === undefined ? {} : { cause });
  }
}
