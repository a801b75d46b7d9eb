import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { AckIdKeySecret } from '../../src/adapters/aws/AckIdKeySecret.js';
import { createAwsClients, type AwsClients } from '../../src/adapters/aws/clients.js';
import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { AckIdSigner } from '../../src/adapters/aws/sqs/AckIdSigner.js';
import { ErrorCode } from '../../src/domain/errors.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';

const FIRST_KEY = 'K1'.repeat(32);
const SECOND_KEY = 'K2'.repeat(32);
const PAYLOAD = 'header.receipt-handle';

const signatureWith = (key: string): string => new AckIdSigner(Buffer.from(key, 'utf8')).sign(PAYLOAD);

describe('Class: AckIdKeySecret', () => {
  let emulator: Emulator;
  let clients: AwsClients;
  const counter = new RequestCounter();

  beforeAll(async () => {
    emulator = await startEmulator();
    clients = createAwsClients({ endpoint: emulator.endpoint, plugins: [counter] });
  });
  beforeEach(async () => {
    await emulator.reset();
    counter.reset();
  });
  afterAll(async () => {
    clients.destroy();
    await emulator.stop();
  });

  const createSecret = async (name: string, value: string): Promise<string> => {
    const { ARN } = await clients.secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    return ARN ?? '';
  };

  describe('Method: signer', () => {
    it('signs with the secret’s current value', async () => {
      // Prepare
      const key = new AckIdKeySecret(clients.secrets, await createSecret('ack-key', FIRST_KEY));

      // Act
      const signer = await key.signer();

      // Assess
      expect(signer.sign(PAYLOAD)).toBe(signatureWith(FIRST_KEY));
    });

    it('reads the secret once per process, however often it is asked', async () => {
      // Prepare
      const key = new AckIdKeySecret(clients.secrets, await createSecret('ack-key', FIRST_KEY));
      counter.reset();

      // Act
      const signers = await Promise.all([key.signer(), key.signer(), key.signer()]);
      await key.signer();

      // Assess
      expect(new Set(signers).size).toBe(1);
      // The current version and the previous one, each once.
      expect(counter.snapshot()).toEqual({ 'SecretsManager.GetSecretValue': 2 });
    });

    it('after a rotation, signs with the new value and still accepts ids signed with the previous one', async () => {
      // Prepare
      const arn = await createSecret('ack-key', FIRST_KEY);
      await clients.secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: SECOND_KEY }));

      // Act
      const signer = await new AckIdKeySecret(clients.secrets, arn).signer();

      // Assess
      expect(signer.sign(PAYLOAD)).toBe(signatureWith(SECOND_KEY));
      expect(signer.verify(PAYLOAD, signatureWith(FIRST_KEY))).toBe(true);
    });

    it('answers Unavailable when the secret does not exist, and reads again on the next call', async () => {
      // Prepare
      const key = new AckIdKeySecret(clients.secrets, 'ack-key');

      // Act
      const missing = key.signer();
      await expect(missing).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringContaining('cannot be read') });
      await createSecret('ack-key', FIRST_KEY);
      const signer = await key.signer();

      // Assess
      expect(signer.sign(PAYLOAD)).toBe(signatureWith(FIRST_KEY));
    });

    it('answers Unavailable when the secret’s value is too short to be a key', async () => {
      // Prepare
      const key = new AckIdKeySecret(clients.secrets, await createSecret('ack-key', 'short'));

      // Act
      const attempt = key.signer();

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringContaining('too short') });
    });
  });
});
