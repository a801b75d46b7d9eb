import type { Statement } from 'better-sqlite3';
import type { WriteContext } from './GroupCommitWriter.js';
import type { SubscriptionRow, TopicRow } from './rows.js';

/** What fan-out needs of each subscription of a topic. */
export interface SubscriptionRoute {
  readonly id: number;
  readonly filter: string | null;
  readonly ordered: number;
}

const TOPIC_SELECT = 'SELECT * FROM topics WHERE name = ?';
/** Subscription rows with their topic's name; the catalog and the listings read them alike. */
export const SUBSCRIPTION_SELECT = 'SELECT s.*, t.name AS topic FROM subscriptions s JOIN topics t ON t.id = s.topic_id';
const ROUTES_SELECT = 'SELECT id, filter, ordered FROM subscriptions WHERE topic_id = ? ORDER BY id';

/**
 * The topics and subscriptions tables as rows by name, each read from the
 * database once and kept until a write changes either table. Every request
 * looks its topic or subscription up, most of them twice (the broker, then the
 * adapter inside its write job), and every publish lists its topic's
 * subscriptions: in the batch-10 benchmark those lookups were 4.6 % of the
 * event loop. Rows handed out are shared: callers must not change them.
 *
 * Every write to either table calls `changed` inside its job, which forgets
 * everything now and again if the job rolls back, so a row read inside a
 * batch that is then rolled back is never kept. Names that do not exist are
 * not kept, so a stream of unknown names costs memory nothing.
 */
export class Catalog {
  private readonly topics = new Map<string, TopicRow>();
  private readonly subscriptions = new Map<string, SubscriptionRow>();
  private readonly subscriptionsById = new Map<number, SubscriptionRow>();
  private readonly routes = new Map<number, readonly SubscriptionRoute[]>();

  public constructor(private readonly statement: (sql: string) => Statement) {}

  public topic(name: string): TopicRow | undefined {
    return this.topics.get(name) ?? keep(this.topics, name, this.statement(TOPIC_SELECT).get(name) as TopicRow | undefined);
  }

  public subscription(topic: string, name: string): SubscriptionRow | undefined {
    const key = `${topic}\u0000${name}`;
    return this.subscriptions.get(key) ?? keep(this.subscriptions, key, this.statement(`${SUBSCRIPTION_SELECT} WHERE t.name = ? AND s.name = ?`).get(topic, name) as SubscriptionRow | undefined);
  }

  /** The subscription whose row id is `id` (lease expiry knows subscriptions by id). */
  public subscriptionById(id: number): SubscriptionRow | undefined {
    return this.subscriptionsById.get(id) ?? keep(this.subscriptionsById, id, this.statement(`${SUBSCRIPTION_SELECT} WHERE s.id = ?`).get(id) as SubscriptionRow | undefined);
  }

  /** The topic's subscriptions, oldest first. */
  public subscriptionsOf(topicId: number): readonly SubscriptionRoute[] {
    let routes = this.routes.get(topicId);
    if (routes === undefined) {
      routes = Object.freeze((this.statement(ROUTES_SELECT).all(topicId) as SubscriptionRoute[]).map((route) => Object.freeze(route)));
      this.routes.set(topicId, routes);
    }
    return routes;
  }

  /** Called by every write to the topics or subscriptions table, inside its job. */
  public changed(context: WriteContext): void {
    this.forget();
    context.onRollback(() => this.forget());
  }

  private forget(): void {
    this.topics.clear();
    this.subscriptions.clear();
    this.subscriptionsById.clear();
    this.routes.clear();
  }
}

/** Keeps a row just read, frozen, and answers it; a row that does not exist is not kept. */
function keep<K, R extends object>(rows: Map<K, R>, key: K, row: R | undefined): R | undefined {
  if (row !== undefined) rows.set(key, Object.freeze(row));
  return row;
}
