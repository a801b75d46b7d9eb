import { jest } from '@jest/globals';
import { sigV4Signer } from '../../../src/client/aws/sigV4Signer.js';
import { ConveyorClient } from '../../../src/client/index.js';
import { fakeFetch, json } from './fakeFetch.js';

/** The credentials of AWS's published SigV4 test suite. */
const EXAMPLE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMPORARY_CREDENTIALS = { ...EXAMPLE_CREDENTIALS, sessionToken: 'session-token-of-an-assumed-role' };
const SIGNED_AT = new Date('2015-08-30T12:36:00Z');

/** The headers the client sends for one publish, at a fixed time, with fixed credentials. */
async function signedPublish(body: unknown): Promise<Headers> {
  const fake = fakeFetch(json(200, { results: [] }));
  const client = new ConveyorClient({ url: 'https://abc123.execute-api.eu-west-1.amazonaws.com', aws: { region: 'eu-west-1', credentials: TEMPORARY_CREDENTIALS }, fetch: fake.fetch });
  await client.publish('orders', { id: 'order-1', body });
  return fake.sent[0]!.headers;
}

describe('Function: sigV4Signer', () => {
  it("signs as AWS's SigV4 test suite does (get-vanilla)", async () => {
    // Prepare
    const sign = await sigV4Signer({ region: 'us-east-1', credentials: EXAMPLE_CREDENTIALS }, { service: 'service', now: () => SIGNED_AT });
    const headers = new Headers();

    // Act
    await sign({ method: 'GET', url: 'https://example.amazonaws.com/', headers });

    // Assess
    expect(Object.fromEntries(headers)).toEqual({
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      'x-amz-date': '20150830T123600Z',
    });
  });

  it('refuses to sign without a region, naming the option and the variable', async () => {
    // Prepare
    const region = process.env['AWS_REGION'];
    delete process.env['AWS_REGION'];

    // Act
    const outcome = await sigV4Signer({ credentials: EXAMPLE_CREDENTIALS }).catch((error: unknown) => error);
    if (region !== undefined) process.env['AWS_REGION'] = region;

    // Assess
    expect(outcome).toEqual(new TypeError('signing for AWS needs a region: pass aws.region or set AWS_REGION'));
  });
});

describe('Class: ConveyorClient with aws', () => {
  beforeEach(() => {
    // Only the date is fixed: timers and promises run as usual.
    jest.useFakeTimers({ now: SIGNED_AT, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('signs each request for execute-api in its region, with the session token, and the same request twice alike', async () => {
    // Act
    const first = await signedPublish({ total: 42 });
    const second = await signedPublish({ total: 42 });

    // Assess
    expect(first.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect({ date: first.get('x-amz-date'), token: first.get('x-amz-security-token'), bearer: first.get('authorization')?.startsWith('Bearer') }).toEqual({
      date: '20150830T123600Z',
      token: 'session-token-of-an-assumed-role',
      bearer: false,
    });
    expect(second.get('authorization')).toBe(first.get('authorization'));
  });

  it('signs the body: another body, another signature', async () => {
    // Act
    const one = await signedPublish({ total: 42 });
    const other = await signedPublish({ total: 43 });

    // Assess
    expect(other.get('authorization')).not.toBe(one.get('authorization'));
  });
});
