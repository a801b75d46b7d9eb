import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../domain/errors.js';

/** What a request carried as its body: nothing at all, or a parsed JSON value (`null` included). */
export type RequestBody = { readonly present: false } | { readonly present: true; readonly value: unknown };

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;.*)?$/i;
const ABSENT: RequestBody = { present: false };

/**
 * Parses a JSON body. An absent or empty body is `present: false` (several
 * routes take none); anything sent is present, even `null`, so a route that takes
 * an object refuses `null`, arrays and scalars instead of reading them as "no
 * body". Another media type is 415, more than `maxBytes` 413, bad JSON 400.
 *
 * @example
 * readJsonBody(event, PublishLimits.requestBytes); // { present: true, value: { messages: [...] } }
 */
export function readJsonBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>, maxBytes: number): RequestBody {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return ABSENT;
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const size = Buffer.byteLength(text);
  if (size > maxBytes) throw new PayloadTooLargeError('the request body', maxBytes, size);
  const contentType = event.headers['content-type'];
  if (contentType === undefined || !JSON_TYPE.test(contentType)) throw new UnsupportedMediaTypeError(contentType);
  try {
    return { present: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new InvalidRequestError(`body is not valid JSON: ${(error as Error).message}`);
  }
}
