/**
 * Kubernetes resource quantities (apimachinery `resource.Quantity` semantics): exact values held
 * as BigInt nano-units, the format remembered from the input, canonical strings on output.
 * Floating point never touches a value, so `0.1 + 0.2` style drift cannot leak into quota maths.
 * Shared by the console and the simulator (which must not import each other).
 */

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** Exact value in units of 10^-9, rounded away from zero when the input is finer. */
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

export class QuantityParseError extends Error {}

/** The message the apiserver gives for a malformed quantity (field errors wrap it). */
export const QUANTITY_REGEX_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const NANO = 1_000_000_000n;
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([suffix, exp]) => [exp, suffix]));
const BINARY_NAMES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const NUMBER_PATTERN = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const EXPONENT_PATTERN = /^[eE]([+-]?[0-9]+)$/;

const pow10 = (exp: number): bigint => 10n ** BigInt(exp);
/** Kubernetes caps a quantity at 2^63-1 in magnitude (apimachinery quantity.go). */
const MAX_NANO = (2n ** 63n - 1n) * NANO;
const clamp = (nano: bigint): bigint => (nano > MAX_NANO ? MAX_NANO : nano < -MAX_NANO ? -MAX_NANO : nano);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Divide rounding away from zero (Kubernetes rounds sub-nano precision up). */
function divideUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator === 0n ? quotient : quotient + (numerator < 0n ? -1n : 1n);
}

/** Parse `500m`, `1.5`, `2Gi`, `1e3`, or a bare JSON number as YAML `cpu: 1` arrives. */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === "number" ? numberToText(input) : input.trim();
  const match = NUMBER_PATTERN.exec(text);
  if (!text || !match) throw new QuantityParseError(QUANTITY_REGEX_MESSAGE);
  const [, sign, whole = "", fraction = "", suffix = ""] = match;
  if (whole === "" && fraction === "") throw new QuantityParseError(QUANTITY_REGEX_MESSAGE);
  const digits = BigInt((whole || "0") + fraction) * (sign === "-" ? -1n : 1n);
  const scale = pow10(fraction.length);

  let format: QuantityFormat;
  let multiplierNum: bigint;
  let multiplierDen = 1n;
  if (suffix in BINARY_SUFFIXES) {
    format = "BinarySI";
    multiplierNum = 1024n ** BigInt(BINARY_SUFFIXES[suffix]) * NANO;
  } else if (suffix in DECIMAL_SUFFIXES) {
    format = "DecimalSI";
    multiplierNum = pow10(DECIMAL_SUFFIXES[suffix] + 9);
  } else {
    const exp = EXPONENT_PATTERN.exec(suffix);
    if (!exp) throw new QuantityParseError(QUANTITY_REGEX_MESSAGE);
    format = "DecimalExponent";
    const e = Number(exp[1]) + 9;
    // Decide out-of-range magnitudes before computing 10^e: "1e999999" must not take minutes.
    const magnitude = abs(digits).toString().length - fraction.length + e;
    if (digits !== 0n && magnitude > 40) return { nano: digits < 0n ? -MAX_NANO : MAX_NANO, format };
    if (digits !== 0n && magnitude < -1) return { nano: digits < 0n ? -1n : 1n, format };
    if (e >= 0) multiplierNum = pow10(e);
    else {
      multiplierNum = 1n;
      multiplierDen = pow10(-e);
    }
  }
  return { nano: clamp(divideUp(digits * multiplierNum, scale * multiplierDen)), format };
}

function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityParseError(QUANTITY_REGEX_MESSAGE);
  // String(1e21) is "1e+21", which the exponent suffix grammar accepts.
  return String(value);
}

/** True when the text (or number) is a valid quantity. */
export function isQuantity(input: unknown): input is string | number {
  if (typeof input !== "string" && typeof input !== "number") return false;
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when a quantity's text is of a plausible size: "1e999999" is valid syntax, but Kubernetes
 * would silently clamp it to 2^63-1, and no resource is that large: refuse it instead.
 */
export function quantityInRange(text: string): boolean {
  const exponent = /[eE]([-+]?\d+)$/.exec(text);
  return text.length <= 40 && (!exponent || Math.abs(Number(exponent[1])) <= 30);
}

/** Canonical text, as the apiserver stores and returns it. */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return "0";
  if (q.format === "BinarySI") {
    const isInteger = q.nano % NANO === 0n;
    const units = q.nano / NANO;
    if (isInteger && abs(units) >= 1024n) {
      let power = 0;
      let mantissa = units;
      while (power < 6 && mantissa % 1024n === 0n) {
        mantissa /= 1024n;
        power++;
      }
      return `${mantissa}${BINARY_NAMES[power]}`;
    }
    return formatDecimal(q.nano, "DecimalSI");
  }
  return formatDecimal(q.nano, q.format);
}

function formatDecimal(nano: bigint, format: "DecimalSI" | "DecimalExponent"): string {
  // Largest exponent (a multiple of 3) that leaves an integer mantissa.
  let exponent = -9;
  let mantissa = nano;
  while (mantissa % 1000n === 0n && (format === "DecimalExponent" || exponent < 18)) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (format === "DecimalExponent") return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent)}`;
}

/** Parse then print canonically: `1.5` → `1500m`, `1024Mi` → `1Gi`. */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}

export const compareQuantities = (a: Quantity, b: Quantity): number => (a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0);

/** Sum keeping the first operand's format (`500m + 1 = 1500m`). */
export const addQuantities = (a: Quantity, b: Quantity): Quantity => ({ nano: a.nano + b.nano, format: a.format });

export const subtractQuantities = (a: Quantity, b: Quantity): Quantity => ({ nano: a.nano - b.nano, format: a.format });

export const zeroQuantity = (format: QuantityFormat = "DecimalSI"): Quantity => ({ nano: 0n, format });

/** Value in milli-units rounded up, like Quantity.MilliValue (what the scheduler and LimitRanger compare). */
export const milliValue = (q: Quantity): bigint => divideUp(q.nano, 1_000_000n);

/** Value in whole units rounded up, like Quantity.Value. */
export const unitValue = (q: Quantity): bigint => divideUp(q.nano, NANO);

/** The value as a JS number of units, for display and metrics only (never for accounting). */
export const toNumber = (q: Quantity): number => Number(q.nano) / 1e9;

export const fromUnits = (units: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity => ({
  nano: BigInt(units) * NANO,
  format,
});

export const fromMilli = (milli: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity => ({
  nano: BigInt(milli) * 1_000_000n,
  format,
});
