import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../domain/errors.js';

export interface JsonBodyOptions {
  readonly maxBytes: number;
}

/** An event whose body has been parsed: `undefined` when none was sent. */
export type ParsedBodyEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;.*)?$/i;

/**
 * Parses a JSON body. A missing or empty body stays undefined (several routes take
 * none); a body of another media type is 415, one over the limit 413, bad JSON 400.
 */
export function jsonBody(options: JsonBodyOptions): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const event = request.event as ParsedBodyEvent;
      const raw = event.body;
      if (raw === undefined || raw === null || raw === '') {
        event.body = undefined;
        return;
      }
      if (typeof raw !== 'string') return;
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      const size = Buffer.byteLength(text);
      if (size > options.maxBytes) throw new PayloadTooLargeError('the request body', options.maxBytes, size);
      const contentType = event.headers['content-type'];
      if (contentType === undefined || !JSON_TYPE.test(contentType)) throw new UnsupportedMediaTypeError(contentType);
      try {
        event.body = JSON.parse(text) as unknown;
      } catch (error) {
        throw new InvalidRequestError(`body is not valid JSON: ${(error as Error).message}`);
      }
    },
  };
}
