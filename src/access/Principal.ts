import { ForbiddenError } from '../domain/errors.js';
import { formatGrant, patternCovers, type Action, type Grant } from './grants.js';

/**
 * Who is calling and what they may do: a named token from AUTH_TOKENS_FILE, an
 * AUTH_TOKENS token (admin), a JWT's subject with the grants in its scopes, an
 * IAM caller (admin: IAM policies decide on AWS), or anyone on an open loopback
 * server (admin). Decisions look at names only, never at stored data, so a
 * refused request learns nothing about what exists.
 *
 * @example
 * const checkout = new Principal('checkout', [parseGrant('publish:orders')!]);
 * checkout.require('publish', 'orders');  // fine
 * checkout.require('manage', 'orders');   // throws ForbiddenError naming "manage:orders"
 */
export class Principal {
  public constructor(
    public readonly name: string,
    public readonly grants: readonly Grant[],
  ) {}

  public static admin(name: string): Principal {
    return new Principal(name, [{ kind: 'admin' }]);
  }

  public get isAdmin(): boolean {
    return this.grants.some((grant) => grant.kind === 'admin');
  }

  public can(action: Action, topic: string): boolean {
    return this.grants.some((grant) => grant.kind === 'admin' || (grant.kind === 'topic' && grant.action === action && patternCovers(grant.pattern, topic)));
  }

  /** Whether any grant at all reaches this topic: it is then listed and described to this caller. */
  public canSee(topic: string): boolean {
    return this.grants.some((grant) => grant.kind === 'admin' || (grant.kind === 'topic' && patternCovers(grant.pattern, topic)));
  }

  public require(action: Action, topic: string): void {
    this.requireAny([action], topic);
  }

  /** Throws ForbiddenError naming every grant that would do unless one of `actions` is granted on the topic. */
  public requireAny(actions: readonly Action[], topic: string): void {
    if (!actions.some((action) => this.can(action, topic))) this.refuse(actions.map((action) => formatGrant({ kind: 'topic', action, pattern: topic })).join('" or "'));
  }

  public requireSight(topic: string): void {
    if (!this.canSee(topic)) this.refuse(`publish:${topic}", "consume:${topic}" or "manage:${topic}`);
  }

  public requireMetrics(): void {
    if (!this.grants.some((grant) => grant.kind === 'admin' || grant.kind === 'metrics')) this.refuse('metrics');
  }

  private refuse(needed: string): never {
    throw new ForbiddenError(`${this.name} lacks the grant "${needed}" (or "admin")`);
  }
}
