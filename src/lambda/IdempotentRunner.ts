import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import type { IdempotencyOptions } from './types.js';

/** The part of a message its idempotency key is made of: the id, within its subscription. */
export interface IdempotencyKey {
  readonly topic: string;
  readonly subscription: string;
  readonly id: string;
}

type Task = () => Promise<unknown>;
type IdempotentCall = (key: IdempotencyKey, task: Task) => Promise<null>;

interface Toolkit {
  readonly config: IdempotencyConfig;
  readonly call: IdempotentCall;
}

/**
 * Prefix of every key. Fixed, and not Powertools' default (the function's
 * name), so a Lambda and `conveyor consume` share a table; and not one per
 * subscription, since a persistence layer holds its prefix as mutable state
 * that concurrent calls with different prefixes would race on.
 */
const KEY_PREFIX = 'conveyor';

/**
 * Runs a message's handler at most once per message id and subscription, with
 * Powertools' `makeIdempotent` and its persistence layers: the first delivery
 * records the id as in progress, a success records it as done (for
 * `expiresAfterSeconds`), and a redelivery of a done id returns without running
 * the handler. A handler that throws leaves no record, so the retry runs it.
 * A delivery that finds the id still in progress (another invocation has it,
 * or one that crashed, until its Lambda's remaining time runs out) fails and
 * comes back later.
 *
 * The key is `conveyor#<hash of { topic, subscription, id }>`. Powertools is loaded
 * on first use, so consumers without idempotency never load it or DynamoDB's client.
 *
 * @example
 * const runner = new IdempotentRunner({ tableName: 'idempotency' });
 * const ran = await runner.run({ topic: 'orders', subscription: 'billing', id }, context, () => handle(message));
 */
export class IdempotentRunner {
  private toolkit: Promise<Toolkit> | undefined;

  public constructor(private readonly options: IdempotencyOptions) {}

  /** Runs `task` unless this key succeeded before; answers whether it ran. */
  public async run(key: IdempotencyKey, context: Context, task: Task): Promise<boolean> {
    const toolkit = await this.load();
    // In-progress records expire with the invocation's remaining time, so a crashed invocation does not block the retry for an hour.
    toolkit.config.registerLambdaContext(context);
    let ran = false;
    await toolkit.call({ topic: key.topic, subscription: key.subscription, id: key.id }, async () => {
      ran = true;
      await task();
    });
    return ran;
  }

  private load(): Promise<Toolkit> {
    this.toolkit ??= (async () => {
      const { IdempotencyConfig, makeIdempotent } = await import('@aws-lambda-powertools/idempotency');
      const persistenceStore = await this.persistenceStore();
      const config = new IdempotencyConfig({ ...(this.options.expiresAfterSeconds === undefined ? {} : { expiresAfterSeconds: this.options.expiresAfterSeconds }) });
      // The stored result is null: what the handler returns is the user's and stays out of the table.
      const perform: IdempotentCall = async (_key, task) => {
        await task();
        return null;
      };
      return { config, call: makeIdempotent(perform, { persistenceStore, config, keyPrefix: KEY_PREFIX }) };
    })();
    return this.toolkit;
  }

  private async persistenceStore(): Promise<BasePersistenceLayer> {
    if ('persistenceStore' in this.options) return this.options.persistenceStore;
    const { DynamoDBPersistenceLayer } = await import('@aws-lambda-powertools/idempotency/dynamodb');
    return new DynamoDBPersistenceLayer({ tableName: this.options.tableName });
  }
}
