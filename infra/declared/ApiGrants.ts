import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { Action } from '../../src/access/grants.js';
import { NAME_PATTERN } from '../../src/domain/constants.js';
import { apiRoutes } from '../../src/http/routes/index.js';
import { acknowledgeWildcardResource } from '../nag.js';

/** One route of the API, with the names of a grant filled in: `{ method: 'POST', path: '/v1/topics/orders/messages' }`. */
export interface GrantedRoute {
  readonly method: string;
  readonly path: string;
}

/** The path parameters a grant names; any other (`{partition}`, `{group}`) is any value. */
export interface GrantScope {
  readonly topic: string;
  /** Limits the subscription routes to this subscription; without it, subscription routes of `action` take any. */
  readonly subscription?: string;
}

/** The stage every route is deployed on. */
const STAGE = '$default';

/**
 * The routes a token grant `<action>:<topic>` allows (src/access/grants.ts,
 * as each route declares it in src/http/routes), with the grant's names put in
 * their paths: the routes that need `action` on the topic, and the routes that
 * describe the topic (any grant allows those). IAM's `*` would match across
 * `/`, so a describe route whose subscription the scope does not name is left
 * out rather than widened: `GET …/subscriptions/*` would also match another
 * subscription's dead letters.
 *
 * @example
 * grantedRoutes(Action.Publish, { topic: 'orders' });
 * // [{ method: 'GET', path: '/v1/topics/orders' }, { method: 'POST', path: '/v1/topics/orders/messages' }, { method: 'GET', path: '/v1/topics/orders/subscriptions' }]
 */
export function grantedRoutes(action: Action, scope: GrantScope): GrantedRoute[] {
  const granted: GrantedRoute[] = [];
  for (const route of apiRoutes) {
    const sight = route.access.kind === 'topicSight';
    const allowed = route.access.kind === 'topic' && route.access.actions.includes(action);
    if (!sight && !allowed) continue;
    if (sight && route.path.includes('{subscription}') && scope.subscription === undefined) continue;
    const path = route.path.replace(/\{(\w+)\}/g, (_match, parameter: string) => {
      if (parameter === 'topic') return scope.topic;
      if (parameter === 'subscription') return scope.subscription ?? '*';
      return '*';
    });
    granted.push({ method: route.method, path });
  }
  return granted;
}

/**
 * IAM grants on the HTTP API's routes, mirroring token grants: with IAM
 * authorization (SigV4), a caller may invoke exactly the routes of its
 * `execute-api:Invoke` statements. With a JWT authorizer, API Gateway does not
 * look at IAM, and a token's scopes carry its grants instead.
 *
 * @example
 * new ApiGrants(httpApi, false).grantPublish(role, 'orders');
 */
export class ApiGrants {
  public constructor(
    private readonly httpApi: IHttpApi,
    private readonly jwtAuthorizer: boolean,
  ) {}

  public grantPublish(grantee: IGrantable, topic: string): Grant {
    return this.grant(grantee, 'grantPublish', Action.Publish, { topic });
  }

  public grantConsume(grantee: IGrantable, topic: string, subscription: string): Grant {
    return this.grant(grantee, 'grantConsume', Action.Consume, { topic, subscription });
  }

  public grantManage(grantee: IGrantable, topic: string): Grant {
    return this.grant(grantee, 'grantManage', Action.Manage, { topic });
  }

  private grant(grantee: IGrantable, method: string, action: Action, scope: GrantScope): Grant {
    if (this.jwtAuthorizer) {
      throw new Error(
        `${method} grants IAM access to the API, but this Conveyor authorizes with JWTs (jwtIssuer): give callers the scope "${action}:${scope.topic}" in their tokens instead`,
      );
    }
    for (const [what, value] of Object.entries(scope)) {
      if (value !== undefined && !NAME_PATTERN.test(value)) throw new Error(`${method}: ${what} name must match ${NAME_PATTERN.source}, but ${JSON.stringify(value)} was provided`);
    }
    const resourceArns = grantedRoutes(action, scope).map((route) => this.httpApi.arnForExecuteApi(route.method, route.path, STAGE));
    const principal = grantee.grantPrincipal as Partial<IConstruct>;
    if (principal.node !== undefined) {
      for (const arn of resourceArns.filter((text) => text.includes('*'))) {
        acknowledgeWildcardResource(
          principal as IConstruct,
          arn,
          `${method} of topic ${scope.topic}: the routes the "${action}" grant of a token allows, whose path parameters it does not limit (partitions, consumer groups; for manage, the topic's subscriptions).`,
        );
      }
    }
    return Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns });
  }
}
