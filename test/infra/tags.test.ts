import { synthesizeStack } from './fixtures.js';

/** Resource types CloudFormation cannot tag: policies, permissions and the API's routes and integration. */
const UNTAGGABLE = ['AWS::IAM::Policy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription', 'AWS::Lambda::Permission', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Authorizer'];

interface Resource {
  readonly Type: string;
  readonly Properties?: { readonly Tags?: ReadonlyArray<{ Key: string; Value: string }> | Readonly<Record<string, string>> };
}

/** A resource's tags as a map, whichever of CloudFormation's two forms (list or map) its type uses. */
const tagsOf = (resource: Resource): Record<string, string> | undefined => {
  const tags = resource.Properties?.Tags;
  if (tags === undefined) return undefined;
  return Array.isArray(tags) ? Object.fromEntries(tags.map((tag: { Key: string; Value: string }) => [tag.Key, tag.Value])) : { ...(tags as Record<string, string>) };
};

describe('Stack: ConveyorStack tags', () => {
  it.each([
    { case: 'defaults', props: {} },
    { case: 'prefix dev, alarm email, JWT authorizer', props: { resourcePrefix: 'dev', alarmEmail: 'ops@example.com', jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor'] } },
  ])('tags every taggable resource with app and the prefix ($case)', ({ props }) => {
    // Prepare
    const prefix = props.resourcePrefix ?? 'conveyor';
    const resources = Object.entries(synthesizeStack(props).template.toJSON()['Resources'] as Record<string, Resource>);

    // Act
    const untagged = resources.filter(([, resource]) => !UNTAGGABLE.includes(resource.Type)).filter(([, resource]) => {
      const tags = tagsOf(resource);
      return tags?.['app'] !== 'conveyor' || tags['conveyor:prefix'] !== prefix;
    });

    // Assess
    expect(untagged.map(([id, resource]) => `${id} (${resource.Type})`)).toEqual([]);
    expect(resources.filter(([, resource]) => tagsOf(resource) !== undefined).length).toBeGreaterThan(40);
  });
});
