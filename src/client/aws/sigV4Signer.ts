import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';

/** SigV4 signing of conveyor/client's requests, for the AWS backend's IAM authorizer. */
export interface AwsSigningOptions {
  /** @default process.env.AWS_REGION */
  readonly region?: string;
  /** @default the AWS SDK's default credential chain (@aws-sdk/credential-provider-node) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** A request about to be sent: the signer adds its headers to `headers`. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body?: string;
}

/** Signs one request in place (Authorization, X-Amz-Date and, with temporary credentials, X-Amz-Security-Token). */
export type RequestSigner = (request: SignableRequest) => Promise<void>;

export interface SignerSettings {
  /** @default 'execute-api' (API Gateway) */
  readonly service?: string;
  /** The signing time; the clock by default. Fixed only in specs. */
  readonly now?: () => Date;
}

/**
 * Module names held in variables, so a bundler leaves these imports to run
 * time: a program that never signs bundles none of the three packages.
 */
const SIGNATURE_V4: string = '@smithy/signature-v4';
const HASH_NODE: string = '@smithy/hash-node';
const CREDENTIAL_PROVIDER_NODE: string = '@aws-sdk/credential-provider-node';

/** The region to sign for: the option, else AWS_REGION; throws when neither says. */
export function signingRegion(options: AwsSigningOptions): string {
  const region = options.region ?? (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['AWS_REGION'];
  if (region === undefined || region === '') throw new TypeError('signing for AWS needs a region: pass aws.region or set AWS_REGION');
  return region;
}

/**
 * A SigV4 signer for API Gateway (service `execute-api`). The signing
 * packages and, without `credentials`, the default credential chain are
 * imported on first use. The body is signed by its hash inside the
 * signature; no X-Amz-Content-Sha256 header is added (API Gateway does not
 * need one).
 *
 * @example
 * const sign = await sigV4Signer({ region: 'eu-west-1' });
 * await sign({ method: 'GET', url: 'https://api.example.com/v1/topics', headers: new Headers() });
 */
export async function sigV4Signer(options: AwsSigningOptions, settings: SignerSettings = {}): Promise<RequestSigner> {
  const region = signingRegion(options);
  const [{ SignatureV4 }, { Hash }] = await Promise.all([
    import(SIGNATURE_V4) as Promise<typeof import('@smithy/signature-v4')>,
    import(HASH_NODE) as Promise<typeof import('@smithy/hash-node')>,
  ]);
  const credentials = options.credentials ?? (await (import(CREDENTIAL_PROVIDER_NODE) as Promise<typeof import('@aws-sdk/credential-provider-node')>)).defaultProvider();
  const signer = new SignatureV4({ service: settings.service ?? 'execute-api', region, credentials, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  return async (request) => {
    const signed = await signer.sign(toHttpRequest(request), { signingDate: settings.now?.() ?? new Date() });
    for (const [name, value] of Object.entries(signed.headers)) {
      // fetch sends the URL's host itself; every other header goes as signed.
      if (name.toLowerCase() !== 'host') request.headers.set(name, value);
    }
  };
}

function toHttpRequest({ method, url, headers, body }: SignableRequest): HttpRequest {
  const target = new URL(url);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of target.searchParams) {
    const before = query[name];
    query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  const signedHeaders: Record<string, string> = { host: target.host };
  headers.forEach((value, name) => {
    signedHeaders[name] = value;
  });
  return {
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port === '' ? {} : { port: Number(target.port) }),
    path: target.pathname,
    query,
    headers: signedHeaders,
    ...(body === undefined ? {} : { body }),
  };
}
