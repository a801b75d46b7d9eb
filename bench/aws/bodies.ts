import { createHash } from 'node:crypto';

/** Body kinds a cost run can publish; every one is 1 KiB of JSON text. */
export const BODY_KINDS = ['order-event', 'random', 'padding'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

const WORDS = (
  'please leave the parcel with neighbour at number if nobody answers bell gate does not work knock on side door gift wrap requested ' +
  'deliver after six weekday mornings only call before arrival fragile glass handle with care keep upright do not bend signature required ' +
  'back entrance via car park code reception desk floor office hours closed on sundays holiday return label enclosed exchange size colour ' +
  'birthday present hide from kids surprise note card message happy anniversary congratulations new home welcome baby thank you so much ' +
  'invoice company vat number purchase order reference cost centre department marketing finance warehouse express standard economy'
).split(' ');

/** A seeded generator (mulberry32): the same index gives the same body on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * An order event as a shop's services publish it, 1 KiB of JSON: the fields
 * every order has, values of its own (ids, hashes, prices, an address) and a
 * free-text note. Messages published together share their field names and
 * some of their words, which is what a record batch's compression finds.
 */
function orderEvent(index: number): Record<string, unknown> {
  const next = generator(index * 2_654_435_761 + 1);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const digits = (count: number): string => String(Math.floor(next() * 10 ** count)).padStart(count, '0');
  const event: Record<string, unknown> = {
    type: 'order.placed',
    orderId: createHash('sha256').update(`order-${index}`).digest('hex').slice(0, 24),
    customer: { id: `cus_${digits(9)}`, email: `${pick(['ana', 'ben', 'chen', 'dara', 'eli', 'femi'])}.${digits(5)}@example.com`, tier: pick(['gold', 'silver', 'basic']) },
    items: Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ sku: `SKU-${digits(7)}`, quantity: 1 + Math.floor(next() * 4), unitPriceCents: Math.floor(next() * 25_000) })),
    currency: pick(['EUR', 'USD', 'GBP']),
    shipping: { street: `${1 + Math.floor(next() * 300)} ${pick(['Harbour', 'Mill', 'Station', 'Church', 'Park'])} ${pick(['Street', 'Road', 'Lane'])}`, postcode: digits(5), country: pick(['GB', 'PT', 'DE', 'US', 'FR']) },
    payment: { method: pick(['card', 'paypal', 'invoice']), authorisation: createHash('sha1').update(`pay-${index}`).digest('base64') },
    placedAt: new Date(Date.UTC(2026, 11, 5) + index * 1_000).toISOString(),
    note: '',
  };
  const bare = Buffer.byteLength(JSON.stringify(event));
  const words: string[] = [];
  while (bare + Buffer.byteLength(words.join(' ')) < 1024) words.push(pick(WORDS));
  event['note'] = words.join(' ').slice(0, 1024 - bare);
  return event;
}

/** 1 KiB of JSON holding random bytes as base64 text, as an encrypted or already compressed payload would be. */
function randomBody(index: number): Record<string, unknown> {
  const bytes = Buffer.alloc(768);
  const next = generator(index + 7);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(next() * 256);
  const bare = Buffer.byteLength(JSON.stringify({ i: index, data: '' }));
  return { i: index, data: bytes.toString('base64').slice(0, 1024 - bare) };
}

/** 1 KiB of JSON whose padding is one repeated letter: compresses to almost nothing, so it overstates what compression saves. */
function paddingBody(index: number): Record<string, unknown> {
  const bare = JSON.stringify({ i: index, pad: '' });
  return { i: index, pad: 'x'.repeat(1024 - Buffer.byteLength(bare)) };
}

/** The 1 KiB body of message `index` of a run, of the given kind. */
export function kibibyteBody(index: number, kind: BodyKind = 'order-event'): Record<string, unknown> {
  if (kind === 'random') return randomBody(index);
  if (kind === 'padding') return paddingBody(index);
  return orderEvent(index);
}
