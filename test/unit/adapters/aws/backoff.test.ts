import { Backoff } from '../../../../src/adapters/aws/dynamo/backoff.js';
import { UnavailableError } from '../../../../src/domain/errors.js';

describe('Class: Backoff', () => {
  it('lets a writer keep losing races until its attempts run out, then answers Unavailable', async () => {
    // Prepare
    const backoff = new Backoff({ maxAttempts: 4, baseDelayMs: 1 });

    // Act
    for (let i = 0; i < 3; i += 1) await backoff.wait('append to t#0');

    // Assess
    await expect(backoff.wait('append to t#0')).rejects.toThrow(UnavailableError);
  });

  it('gives up once the time budget is spent, however few the attempts', async () => {
    // Prepare
    const backoff = new Backoff({ maxAttempts: 1000, maxWaitMs: 30, baseDelayMs: 20, maxDelayMs: 20 });
    await backoff.wait('append to t#0');

    // Act: keep losing until it gives up
    const loseUntilUnavailable = async (): Promise<never> => {
      for (;;) await backoff.wait('append to t#0');
    };

    // Assess
    await expect(loseUntilUnavailable()).rejects.toThrow(/still contended after \d+ attempts in \d+ ms/);
  });

  it('starts counting afresh after a success', async () => {
    // Prepare
    const backoff = new Backoff({ maxAttempts: 2, baseDelayMs: 1 });
    await backoff.wait('append to t#0');

    // Act
    backoff.reset();

    // Assess
    await expect(backoff.wait('append to t#0')).resolves.toBeUndefined();
  });
});
