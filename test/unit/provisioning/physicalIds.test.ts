import { DeclaredType } from '../../../src/provisioning/declarations.js';
import { physicalIdOf, resourceOfPhysicalId, type DeclaredResource } from '../../../src/provisioning/physicalIds.js';

describe('Function: physicalIdOf', () => {
  it.each<{ case: string; resource: DeclaredResource; id: string }>([
    { case: 'a topic', resource: { type: DeclaredType.Topic, name: 'orders' }, id: 'topics/orders' },
    { case: 'a subscription', resource: { type: DeclaredType.Subscription, topic: 'orders', name: 'shipping-eu' }, id: 'topics/orders/subscriptions/shipping-eu' },
    { case: 'a schedule', resource: { type: DeclaredType.Schedule, name: 'nightly_2' }, id: 'schedules/nightly_2' },
  ])('names $case by its API path, and reads it back', ({ resource, id }) => {
    // Act
    const physicalId = physicalIdOf(resource);

    // Assess
    expect(physicalId).toBe(id);
    expect(resourceOfPhysicalId(physicalId)).toEqual(resource);
  });
});

describe('Function: resourceOfPhysicalId', () => {
  it.each([
    { case: "the framework's marker of a failed create", id: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' },
    { case: 'an unknown collection', id: 'groups/analytics' },
    { case: 'a name the API refuses', id: 'topics/bad.name' },
    { case: 'a subscription without its collection', id: 'topics/orders/billing' },
    { case: 'an empty id', id: '' },
  ])('reads $case as none of Conveyor', ({ id }) => {
    expect(resourceOfPhysicalId(id)).toBeNull();
  });
});
