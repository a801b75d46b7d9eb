import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdOf, synthesizeStack } from './fixtures.js';

const { template, stack } = synthesizeStack();

describe('Construct: Api', () => {
  it('routes ANY / and ANY /{proxy+} to the API function, with IAM authorization', () => {
    for (const routeKey of ['ANY /', 'ANY /{proxy+}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey, AuthorizationType: 'AWS_IAM' });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('integrates the API function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(stack.functions.api.function), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('serves one auto-deployed $default stage with throttling and JSON access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalIdOf(stack.api.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  it('throttles per route: the stage\'s limits on ANY /{proxy+} (every operation), tighter ones on ANY / (only ever 404)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'ANY /': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        'ANY /{proxy+}': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      },
    });
    const custom = synthesizeStack({ throttleRateLimit: 30, throttleBurstLimit: 60 }).template;
    custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 30, ThrottlingBurstLimit: 60 },
      RouteSettings: Match.objectLike({ 'ANY /{proxy+}': { ThrottlingRateLimit: 30, ThrottlingBurstLimit: 60 } }),
    });
  });

  it('creates the stage after its routes, which API Gateway needs before it accepts their route settings', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Array<{ DependsOn?: string[] }>;
    const routes = Object.keys(template.findResources('AWS::ApiGatewayV2::Route'));

    expect(stage?.DependsOn).toEqual(expect.arrayContaining(routes));
  });

  it('authorizes every route with a JWT authorizer instead when an issuer and audience are given', () => {
    const jwt = synthesizeStack({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor-api'] }).template;

    jwt.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['conveyor-api'] },
    });
    expect(Object.keys(jwt.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: 'JWT' } }))).toHaveLength(2);
  });

  it('tells the API function which JWT claim holds the grants', () => {
    const jwt = synthesizeStack({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor-api'], jwtGrantsClaim: 'cognito:groups' }).template;

    jwt.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'conveyor-api',
      Environment: { Variables: Match.objectLike({ CONVEYOR_JWT_GRANTS_CLAIM: 'cognito:groups' }) },
    });
  });
});
