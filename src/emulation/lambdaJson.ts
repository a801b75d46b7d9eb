/**
 * A value as it reaches a function in Lambda's JSON event, where the SDK hands
 * other types: binary values (a compressed record batch in a DynamoDB stream
 * record) as base64 text, times as epoch seconds.
 *
 * @example
 * const dynamodb = asLambdaJson(record.dynamodb); // NewImage.z.B is base64 text
 */
export function asLambdaJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
      const raw = this[key];
      if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
      if (raw instanceof Date) return Math.floor(raw.getTime() / 1000);
      return converted;
    }),
  );
}
