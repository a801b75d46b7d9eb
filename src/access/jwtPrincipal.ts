import { parseGrant, type Grant } from './grants.js';
import { Principal } from './Principal.js';

/** The API function's environment variable naming the grants claim (set by the stack with a JWT authorizer). */
export const JWT_GRANTS_CLAIM_ENV = 'CONVEYOR_JWT_GRANTS_CLAIM';

/** The claim read by default: OAuth 2.0 scopes, as API Gateway's JWT authorizer passes them. */
export const DEFAULT_GRANTS_CLAIM = 'scope';

type ClaimValue = string | number | boolean | readonly string[] | undefined;

/** Space-separated (OAuth `scope`) or an array (Cognito groups, custom claims); bracketed JSON arrays as API Gateway flattens them. */
function claimWords(value: ClaimValue): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => String(item).split(/\s+/));
  const text = String(value).trim();
  if (text.startsWith('[') && text.endsWith(']')) return text.slice(1, -1).split(/[\s,]+/);
  return text.split(/\s+/);
}

/**
 * The caller a JWT names, with the grants its scopes (or another claim) carry.
 * A scope may carry a resource-server prefix, as Cognito writes custom scopes
 * (`conveyor/publish:orders`): the grant is what follows the last `/`. Words
 * that are not grants (`openid`, `email`) are ignored, so a token without any
 * Conveyor grant can do nothing but `GET /healthz`.
 *
 * @example
 * principalFromJwt({ sub: 'svc-checkout', scope: 'conveyor/publish:orders openid' }, []);
 */
export function principalFromJwt(claims: Readonly<Record<string, ClaimValue>>, scopes: readonly string[] | undefined, claim = DEFAULT_GRANTS_CLAIM): Principal {
  const words = [...claimWords(claims[claim]), ...(claim === DEFAULT_GRANTS_CLAIM ? (scopes ?? []) : [])];
  const grants: Grant[] = [];
  for (const word of words) {
    const grant = parseGrant(word.slice(word.lastIndexOf('/') + 1));
    if (grant !== null) grants.push(grant);
  }
  const subject = claims['sub'] ?? claims['client_id'] ?? 'jwt';
  return new Principal(`jwt ${JSON.stringify(String(subject))}`, grants);
}
