import { NAME_PATTERN } from '../domain/constants.js';
import { DeclaredType } from './declarations.js';

/** What a declared resource's physical id names: the API path of the topic, subscription or schedule. */
export type DeclaredResource =
  | { readonly type: typeof DeclaredType.Topic; readonly name: string }
  | { readonly type: typeof DeclaredType.Subscription; readonly topic: string; readonly name: string }
  | { readonly type: typeof DeclaredType.Schedule; readonly name: string };

/**
 * The physical id CloudFormation keeps for a declared resource: its path in
 * the API, without `/v1/`. A changed name is a changed id, which CloudFormation
 * treats as a replacement (create the new one, then delete the old one, as its
 * removal policy says).
 *
 * @example
 * physicalIdOf({ type: DeclaredType.Subscription, topic: 'orders', name: 'billing' }); // 'topics/orders/subscriptions/billing'
 */
export function physicalIdOf(resource: DeclaredResource): string {
  switch (resource.type) {
    case DeclaredType.Topic:
      return `topics/${resource.name}`;
    case DeclaredType.Subscription:
      return `topics/${resource.topic}/subscriptions/${resource.name}`;
    case DeclaredType.Schedule:
      return `schedules/${resource.name}`;
  }
}

/**
 * The resource a physical id names, or null when it is none of Conveyor's
 * (the Provider framework's marker of a failed creation, or an id edited by hand).
 *
 * @example
 * resourceOfPhysicalId('schedules/nightly'); // { type: 'Custom::ConveyorSchedule', name: 'nightly' }
 */
export function resourceOfPhysicalId(physicalId: string): DeclaredResource | null {
  const parts = physicalId.split('/');
  if (!parts.every((part, index) => index % 2 === 0 || NAME_PATTERN.test(part))) return null;
  const [collection, name, child, childName] = parts;
  if (parts.length === 2 && collection === 'topics' && name !== undefined) return { type: DeclaredType.Topic, name };
  if (parts.length === 2 && collection === 'schedules' && name !== undefined) return { type: DeclaredType.Schedule, name };
  if (parts.length === 4 && collection === 'topics' && name !== undefined && child === 'subscriptions' && childName !== undefined) {
    return { type: DeclaredType.Subscription, topic: name, name: childName };
  }
  return null;
}
