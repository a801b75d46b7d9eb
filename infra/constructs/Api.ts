import type { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, PayloadFormatVersion, type HttpRoute, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ConveyorSettings } from '../settings.js';

export interface ApiProps {
  readonly apiName: string;
  /** The API function: it routes every request itself. */
  readonly handler: IFunction;
  /** A JWT authorizer instead of IAM, when set. */
  readonly jwt: ConveyorSettings['jwt'];
  readonly throttle: ConveyorSettings['throttle'];
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Throttle of `ANY /`, which only ever answers 404 (every operation is under
 * `/v1/`, `/healthz` or `/metrics`): little traffic is legitimate there.
 */
export const ROOT_ROUTE_THROTTLE = { rateLimit: 10, burstLimit: 20 } as const;

/** One JSON line per request, from the HTTP API's `$context` variables. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    sourceIp: '$context.identity.sourceIp',
    caller: '$context.identity.userArn',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/**
 * API Gateway HTTP API in front of the API function: `ANY /` and `ANY /{proxy+}`
 * with payload format 2.0, authorized by IAM (SigV4) unless a JWT issuer is
 * configured; one `$default` stage with throttling and JSON access logs.
 *
 * API Gateway throttles per stage and per route key. With the two catch-all
 * routes, per-route limits can tell only the root apart from every operation:
 * `ANY /` gets ROOT_ROUTE_THROTTLE, `ANY /{proxy+}` the stage's limits. Limits
 * per operation (pull, publish, management) would need a route per operation,
 * and would change what the handler receives (API Gateway's own, decoded path
 * parameters take precedence over the router's).
 */
export class Api extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const authorizer: IHttpRouteAuthorizer =
      props.jwt === undefined
        ? new HttpIamAuthorizer()
        : new HttpJwtAuthorizer('JwtAuthorizer', props.jwt.issuer, { jwtAudience: [...props.jwt.audience] });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: props.apiName,
      description: 'Conveyor HTTP API v1',
      defaultAuthorizer: authorizer,
      // The stage below replaces it, to carry throttling and access logs.
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('ApiFunction', props.handler, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
    const routes: HttpRoute[] = [
      ...this.httpApi.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration }),
      ...this.httpApi.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration }),
    ];

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = {
      'ANY /': { ThrottlingRateLimit: ROOT_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: ROOT_ROUTE_THROTTLE.burstLimit },
      'ANY /{proxy+}': { ThrottlingRateLimit: props.throttle.rateLimit, ThrottlingBurstLimit: props.throttle.burstLimit },
    };
    // API Gateway refuses route settings for a route key that does not exist yet.
    for (const route of routes) this.stage.node.addDependency(route);
  }
}
