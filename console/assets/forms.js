// Reading form fields into API request bodies. The server validates every
// field again; these checks only catch typing mistakes before a round trip,
// with messages that name the field.

export class FormError extends Error {}

/** An integer from an input, or undefined when left empty. */
export function optionalInteger(input, label, { min, max } = {}) {
  const text = input.value.trim();
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new FormError(`${label} must be a whole number, but "${text}" was entered`);
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) throw new FormError(`${label} must be between ${min} and ${max}, but ${value} was entered`);
  return value;
}

/** A JSON value from a textarea; undefined when empty and optional. */
export function jsonValue(input, label, { optional = false } = {}) {
  const text = input.value.trim();
  if (text === '') {
    if (optional) return undefined;
    throw new FormError(`${label} is required: any JSON value, e.g. {"orderId": 1}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FormError(`${label} is not valid JSON: ${error.message}`);
  }
}

/** Attributes from `name=value` lines (blank lines skipped); undefined when there are none. */
export function attributeLines(input) {
  const attributes = {};
  input.value.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const at = line.indexOf('=');
    if (at <= 0) throw new FormError(`attribute line ${index + 1} must read name=value, but "${line}" was entered`);
    attributes[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return Object.keys(attributes).length === 0 ? undefined : attributes;
}

/** The trimmed text of an input, or undefined when empty. */
export function optionalText(input) {
  const text = input.value.trim();
  return text === '' ? undefined : text;
}

/** The object without its undefined fields: omitted fields take the API's defaults. */
export const defined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
