import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Schedule } from '../../../domain/types.js';
import { callAws, translateAwsError } from '../awsErrors.js';
import { fromScheduleItem, metaKeys, SCHEDULES_PK, type ScheduleItem } from './metaItems.js';
import { queryAll } from './metaQueries.js';
import { isConditionFailure } from './transactions.js';

/** An update or condition expression with its values; attribute names go through `#name` placeholders (see NAMES). */
interface Expression {
  readonly expression: string;
  readonly values: Record<string, unknown>;
}

/** `name` and `timezone` are DynamoDB reserved words, so every attribute is named through a placeholder. */
const NAMES = {
  '#name': 'name',
  '#topic': 'topic',
  '#cron': 'cron',
  '#timezone': 'timezone',
  '#message': 'message',
  '#createdAt': 'createdAt',
  '#nextFireAt': 'nextFireAt',
  '#nextFireAtMs': 'nextFireAtMs',
  '#lastFiredAt': 'lastFiredAt',
} as const;

/** `SET nextFireAt` (with its epoch ms), or `REMOVE` both when the schedule has no further tick. */
function nextFireAtUpdate(nextFireAt: string | null): { set: string[]; remove: string[]; values: Record<string, unknown> } {
  if (nextFireAt === null) return { set: [], remove: ['#nextFireAt', '#nextFireAtMs'], values: {} };
  return { set: ['#nextFireAt = :next', '#nextFireAtMs = :nextMs'], remove: [], values: { ':next': nextFireAt, ':nextMs': Date.parse(nextFireAt) } };
}

function updateExpression(set: readonly string[], remove: readonly string[]): string {
  return [set.length > 0 ? `SET ${set.join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.join(', ')}` : ''].filter((part) => part !== '').join(' ');
}

/** Only the placeholders an expression uses: DynamoDB refuses unused ones. */
function namesIn(...expressions: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(NAMES).filter(([placeholder]) => expressions.some((text) => text.includes(placeholder))));
}

/**
 * Cron schedule items of the meta table (pk `schedule`, sk name): the
 * storage half of DynamoMetadataStore's schedule methods.
 *
 * @example
 * const table = new ScheduleTable(clients.dynamo, resources.metaTable);
 * const previous = await table.upsert(schedule);
 * if (!(await timersPut(schedule))) await table.restore(schedule.name, previous);
 */
export class ScheduleTable {
  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Creates or replaces the schedule, keeping a stored `createdAt` and
   * `lastFiredAt` as the embedded store does. Returns the item it replaced.
   */
  public async upsert(schedule: Schedule): Promise<ScheduleItem | undefined> {
    const next = nextFireAtUpdate(schedule.nextFireAt);
    const set = ['#name = :name', '#topic = :topic', '#cron = :cron', '#timezone = :timezone', '#message = :message', '#createdAt = if_not_exists(#createdAt, :createdAt)', ...next.set];
    const values: Record<string, unknown> = {
      ':name': schedule.name,
      ':topic': schedule.topic,
      ':cron': schedule.cron,
      ':timezone': schedule.timezone,
      ':message': JSON.stringify(schedule.message),
      ':createdAt': schedule.createdAt,
      ...next.values,
    };
    if (schedule.lastFiredAt !== null) {
      set.push('#lastFiredAt = if_not_exists(#lastFiredAt, :lastFiredAt)');
      values[':lastFiredAt'] = schedule.lastFiredAt;
    }
    const { Attributes } = await callAws('store a schedule', () => this.update(schedule.name, { expression: updateExpression(set, next.remove), values }, undefined, 'ALL_OLD'));
    return Attributes as ScheduleItem | undefined;
  }

  /** Puts back what `upsert` replaced, or removes what it created. */
  public async restore(name: string, previous: ScheduleItem | undefined): Promise<void> {
    await callAws('restore a schedule', () =>
      previous === undefined
        ? this.dynamo.send(new DeleteCommand({ TableName: this.table, Key: metaKeys.schedule(name) }))
        : this.dynamo.send(new PutCommand({ TableName: this.table, Item: previous })),
    );
  }

  public async get(name: string): Promise<Schedule | null> {
    const { Item } = await callAws('read a schedule', () => this.dynamo.send(new GetCommand({ TableName: this.table, Key: metaKeys.schedule(name), ConsistentRead: true })));
    return Item === undefined ? null : fromScheduleItem(Item);
  }

  /** Every schedule by name; with `dueAt`, only those whose next tick is at or before it, earliest first. */
  public async list(dueAt?: number): Promise<Schedule[]> {
    const items = await queryAll(
      this.dynamo,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': SCHEDULES_PK, ...(dueAt === undefined ? {} : { ':now': dueAt }) },
        ...(dueAt === undefined ? {} : { FilterExpression: 'nextFireAtMs <= :now' }),
        ConsistentRead: true,
      },
      'list schedules',
    );
    const schedules = items.map((item) => item as unknown as ScheduleItem);
    if (dueAt !== undefined) schedules.sort((a, b) => (a.nextFireAtMs ?? 0) - (b.nextFireAtMs ?? 0));
    return schedules.map((item) => fromScheduleItem({ ...item }));
  }

  /** Whether an item was there to delete. */
  public async delete(name: string): Promise<boolean> {
    const { Attributes } = await callAws('delete a schedule', () =>
      this.dynamo.send(new DeleteCommand({ TableName: this.table, Key: metaKeys.schedule(name), ReturnValues: 'ALL_OLD' })),
    );
    return Attributes !== undefined;
  }

  /** Records a fired tick if the schedule still expects `expectedNextFireAt` (compared as epoch ms; null: no next tick). */
  public async advance(name: string, expectedNextFireAt: string | null, lastFiredAt: string, nextFireAt: string | null): Promise<boolean> {
    const next = nextFireAtUpdate(nextFireAt);
    const condition: Expression =
      expectedNextFireAt === null
        ? { expression: 'attribute_exists(pk) AND attribute_not_exists(#nextFireAtMs)', values: {} }
        : { expression: '#nextFireAtMs = :expected', values: { ':expected': Date.parse(expectedNextFireAt) } };
    const update = { expression: updateExpression(['#lastFiredAt = :last', ...next.set], next.remove), values: { ':last': lastFiredAt, ...next.values } };
    try {
      await this.update(name, update, condition, 'NONE');
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw translateAwsError(error, 'advance a schedule');
    }
  }

  /** The raw UpdateItem; callers translate its errors. */
  private update(name: string, update: Expression, condition: Expression | undefined, returnValues: 'ALL_OLD' | 'NONE') {
    return this.dynamo.send(
      new UpdateCommand({
        TableName: this.table,
        Key: metaKeys.schedule(name),
        UpdateExpression: update.expression,
        ...(condition === undefined ? {} : { ConditionExpression: condition.expression }),
        ExpressionAttributeNames: namesIn(update.expression, condition?.expression ?? ''),
        ExpressionAttributeValues: { ...update.values, ...condition?.values },
        ReturnValues: returnValues,
      }),
    );
  }
}
