import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import type { InputLine } from './ndjsonLines.js';

/** A message as `conveyor publish` sends it: always with an id, so a retried request is deduplicated. */
export interface MessageToPublish {
  id: string;
  body: unknown;
  key?: string;
  attributes?: Record<string, string>;
  delaySeconds?: number;
  deliverAt?: string;
}

/** What `--key`, `--attr` and `--delay-seconds` give every message that does not say otherwise. */
export interface MessageDefaults {
  readonly key?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly delaySeconds?: number;
}

export interface LineReading {
  /** Every line is a body, even an object with a `body` field. */
  readonly bodies: boolean;
  readonly defaults: MessageDefaults;
  /** A fresh message id (a ULID). */
  readonly newId: () => string;
}

/** The fields of the API's publish-message shape (OutgoingMessage in docs/openapi.yaml). */
const MESSAGE_FIELDS = new Set(['body', 'key', 'attributes', 'id', 'delaySeconds', 'deliverAt']);

/**
 * One NDJSON line as a message. A JSON object with a `body` field is a message
 * in the API's shape (`{"body":…,"key":…,"attributes":…,"id":…,"delaySeconds":…}`);
 * any other JSON value (a string, a number, an object without `body`) is the
 * body of a message. The defaults fill what the line leaves out (attributes
 * merge, the line's win), and a message without an id gets a new one now,
 * before it is first sent, so every retry of its request carries the same id.
 *
 * @example
 * messageOfLine({ text: '{"total":42}', number: 1, bytes: 13 }, { bodies: false, defaults: {}, newId: ulid });
 * // { id: '01J…', body: { total: 42 } }
 */
export function messageOfLine(line: InputLine, reading: LineReading): MessageToPublish {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    throw new CommandError(`line ${line.number} is not JSON: ${(error as Error).message}`, ExitCode.Usage);
  }
  const message = !reading.bodies && isMessageShape(value) ? checkedFields(value, line.number) : { body: value };
  return withDefaults(message, reading);
}

/**
 * The defaults and an id on a message given whole (a line, or `--body` with
 * its flags).
 */
export function withDefaults(message: Readonly<Partial<MessageToPublish>> & { readonly body: unknown }, reading: Pick<LineReading, 'defaults' | 'newId'>): MessageToPublish {
  const { defaults } = reading;
  const attributes = defaults.attributes === undefined || Object.keys(defaults.attributes).length === 0 ? message.attributes : { ...defaults.attributes, ...message.attributes };
  const delayed = message.delaySeconds !== undefined || message.deliverAt !== undefined;
  return {
    ...message,
    id: message.id ?? reading.newId(),
    ...(message.key === undefined && defaults.key !== undefined ? { key: defaults.key } : {}),
    ...(attributes === undefined ? {} : { attributes }),
    ...(!delayed && defaults.delaySeconds !== undefined ? { delaySeconds: defaults.delaySeconds } : {}),
  };
}

function isMessageShape(value: unknown): value is Record<string, unknown> & { body: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'body');
}

/** A line in the message shape with a field the API would refuse: said with its line number before anything is sent for it. */
function checkedFields(value: Record<string, unknown> & { body: unknown }, lineNumber: number): Partial<MessageToPublish> & { body: unknown } {
  const unknown = Object.keys(value).filter((field) => !MESSAGE_FIELDS.has(field));
  if (unknown.length > 0) {
    throw new CommandError(
      `line ${lineNumber} has a "body" field, so it is read as a message, but it also has ${unknown.map((field) => JSON.stringify(field)).join(', ')}; a message has only ${[...MESSAGE_FIELDS].join(', ')} (--bodies publishes every line as a body)`,
      ExitCode.Usage,
    );
  }
  if (value.id !== undefined && (typeof value.id !== 'string' || value.id === '')) {
    throw new CommandError(`line ${lineNumber}: "id" must be a non-empty string, but ${JSON.stringify(value.id)} was provided`, ExitCode.Usage);
  }
  return value as Partial<MessageToPublish> & { body: unknown };
}
