import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { transact, type TransactItem } from '../../src/adapters/aws/dynamo/transactions.js';
import { TABLES, useDynamo } from './dynamoFixtures.js';

/**
 * What the emulator answers for a cancelled TransactWriteItems, which the log
 * relies on to tell a moved head from a duplicate. moto 5.2 answers as
 * DynamoDB documents it: one reason per item, in order, `Code: "None"` for
 * items that passed, every failed condition reported (not only the first),
 * and the stored item only where ALL_OLD was asked and an item existed.
 */
describe('Function: transact', () => {
  const dynamo = useDynamo();

  const put = (sk: string, condition: string, allOld: boolean): TransactItem => ({
    Put: {
      TableName: TABLES.metaTable,
      Item: { pk: 'probe', sk, v: 'new' },
      ConditionExpression: condition,
      ...(allOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
    },
  });

  beforeEach(async () => {
    for (const sk of ['a', 'b']) await dynamo().clients.dynamo.send(new PutCommand({ TableName: TABLES.metaTable, Item: { pk: 'probe', sk, v: 'old', n: 1 } }));
  });

  it('answers committed when every condition holds', async () => {
    expect(await transact(dynamo().clients.dynamo, [put('c', 'attribute_not_exists(pk)', true)], 'probe')).toEqual({ committed: true });
  });

  it('answers every reason of a cancelled transaction in item order, with the stored item where ALL_OLD was asked', async () => {
    // Act
    const result = await transact(
      dynamo().clients.dynamo,
      [put('c', 'attribute_not_exists(pk)', true), put('a', 'attribute_not_exists(pk)', true), put('b', 'attribute_not_exists(pk)', false), put('d', 'attribute_exists(pk)', true)],
      'probe',
    );

    // Assess
    expect(result).toEqual({
      committed: false,
      reasons: [
        { code: 'None' },
        { code: 'ConditionalCheckFailed', item: { pk: 'probe', sk: 'a', v: 'old', n: 1 } },
        { code: 'ConditionalCheckFailed' },
        { code: 'ConditionalCheckFailed' },
      ],
    });
  });

  it('throws a Conveyor error for a transaction DynamoDB refuses outright', async () => {
    // Two operations on one item are a ValidationException, not a cancellation.
    const refusing = transact(dynamo().clients.dynamo, [put('a', 'attribute_exists(pk)', false), put('a', 'attribute_exists(pk)', false)], 'probe');
    await expect(refusing).rejects.toMatchObject({ code: 'Internal' });
  });
});
