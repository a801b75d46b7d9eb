import type { Parsed } from './types.js';

export type AddressTest = (value: string) => boolean;

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const PREFIX_LENGTH = /^[0-9]{1,3}$/;

/**
 * Compiles a CIDR block such as `10.0.0.0/24` or `2001:db8::/32` into a test on address
 * strings. Bits after the prefix length are ignored, so `10.0.0.33/24` means the same
 * block as `10.0.0.0/24`. An IPv4 address never falls inside an IPv6 block (and the
 * reverse), and a string that is not an address never matches.
 */
export function compileCidr(source: string): Parsed<AddressTest> {
  const slash = source.indexOf('/');
  if (slash === -1) {
    return { ok: false, reason: 'it needs a prefix length, as in "10.0.0.0/24"' };
  }
  const network = parseAddress(source.slice(0, slash));
  if (network === undefined) {
    return { ok: false, reason: 'the part before "/" is not an IPv4 or IPv6 address' };
  }
  const lengthText = source.slice(slash + 1);
  const maxLength = network.length * 8;
  const prefixLength = PREFIX_LENGTH.test(lengthText) ? Number(lengthText) : Number.NaN;
  if (!(prefixLength <= maxLength)) {
    return {
      ok: false,
      reason: `the prefix length must be a whole number from 0 to ${maxLength}`,
    };
  }
  return {
    ok: true,
    value: (value) => {
      const address = parseAddress(value);
      return (
        address !== undefined &&
        address.length === network.length &&
        samePrefix(address, network, prefixLength)
      );
    },
  };
}

/** Parses a textual IPv4 (4 bytes) or IPv6 (16 bytes) address; zone ids are not accepted. */
export function parseAddress(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

// Leading zeros are refused because some parsers read them as octal.
function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) {
    return undefined;
  }
  const bytes = new Uint8Array(4);
  for (const [index, part] of parts.entries()) {
    const value = IPV4_PART.test(part) ? Number(part) : 256;
    if (value > 255) {
      return undefined;
    }
    bytes[index] = value;
  }
  return bytes;
}

function parseIPv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const compressed = halves.length === 2;
  const head = parseGroups(halves[0] ?? '', !compressed);
  const tail = compressed ? parseGroups(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) {
    return undefined;
  }
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (const [index, group] of groups.entries()) {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  }
  return bytes;
}

// An empty run is legal only next to "::"; an IPv4 tail (`::ffff:10.0.0.1`) is two groups.
function parseGroups(run: string, endsAddress: boolean): number[] | undefined {
  if (run === '') {
    return [];
  }
  const parts = run.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (endsAddress && index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) {
        return undefined;
      }
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (IPV6_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const fullBytes = Math.floor(bits / 8);
  for (let index = 0; index < fullBytes; index += 1) {
    if (a[index] !== b[index]) {
      return false;
    }
  }
  const rest = bits % 8;
  if (rest === 0) {
    return true;
  }
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[fullBytes] ?? 0) & mask) === ((b[fullBytes] ?? 0) & mask);
}
