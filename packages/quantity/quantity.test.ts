import { describe, expect, it } from "vitest";

import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  isQuantity,
  milliValue,
  parseQuantity,
  subtractQuantities,
  unitValue,
} from "./index";

describe("canonical quantities (apimachinery vectors)", () => {
  it.each([
    ["1.5", "1500m"],
    ["0.5", "500m"],
    ["0.1", "100m"],
    ["1000", "1k"],
    ["1000M", "1G"],
    ["1080m", "1080m"],
    ["1.08", "1080m"],
    ["500m", "500m"],
    ["1", "1"],
    ["0", "0"],
    ["0Gi", "0"],
    ["5", "5"],
    ["0.5Gi", "512Mi"],
    [".001Ki", "1024m"],
    ["1024Mi", "1Gi"],
    ["1.5Gi", "1536Mi"],
    ["1025", "1025"],
    ["6Ki", "6Ki"],
    ["2Gi", "2Gi"],
    ["64Gi", "64Gi"],
    ["1e3", "1e3"],
    ["80e-3", "80e-3"],
    ["0.08e0", "80e-3"],
    ["300e6", "300e6"],
    ["3e8", "300e6"],
    ["1e-9", "1e-9"],
    ["1E3", "1e3"],
    [".000000000001Ki", "2n"],
    ["5.", "5"],
    [".5", "500m"],
    ["+2", "2"],
    ["-1.5", "-1500m"],
    ["100n", "100n"],
    ["1000000u", "1"],
    ["12345678n", "12345678n"],
    ["10240Ki", "10Mi"],
  ])("%s → %s", (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it("accepts bare JSON numbers the way YAML `cpu: 1` arrives", () => {
    expect(canonicalQuantity(1)).toBe("1");
    expect(canonicalQuantity(1.5)).toBe("1500m");
    expect(canonicalQuantity(0.25)).toBe("250m");
    expect(canonicalQuantity(2048)).toBe("2048");
  });

  it.each(["", "abc", "1.2.3", "Gi", "1Qi", "1e", "1 Gi", "--1", "1Kii"])("rejects %j", (input) => {
    expect(isQuantity(input)).toBe(false);
    expect(() => parseQuantity(input)).toThrow(/quantities must match the regular expression/);
  });
});

describe("quantity arithmetic", () => {
  it("adds keeping the first operand's format", () => {
    expect(formatQuantity(addQuantities(parseQuantity("500m"), parseQuantity("1")))).toBe("1500m");
    expect(formatQuantity(addQuantities(parseQuantity("1Gi"), parseQuantity("512Mi")))).toBe("1536Mi");
    expect(formatQuantity(addQuantities(parseQuantity("1"), parseQuantity("1Gi")))).toBe("1073741825");
  });

  it("subtracts and compares exactly", () => {
    expect(formatQuantity(subtractQuantities(parseQuantity("2"), parseQuantity("500m")))).toBe("1500m");
    expect(compareQuantities(parseQuantity("1"), parseQuantity("1000m"))).toBe(0);
    expect(compareQuantities(parseQuantity("1Gi"), parseQuantity("1G"))).toBe(1);
    expect(compareQuantities(parseQuantity("100m"), parseQuantity("0.2"))).toBe(-1);
  });

  it("rounds milli and unit values up", () => {
    expect(milliValue(parseQuantity("1n"))).toBe(1n);
    expect(milliValue(parseQuantity("1.5"))).toBe(1500n);
    expect(unitValue(parseQuantity("100m"))).toBe(1n);
    expect(unitValue(parseQuantity("1Ki"))).toBe(1024n);
  });
});

describe("out-of-range quantities", () => {
  it("clamps huge exponents to 2^63-1 at once, as Kubernetes caps them", () => {
    const started = Date.now();
    expect(unitValue(parseQuantity("1e999999"))).toBe(2n ** 63n - 1n);
    expect(unitValue(parseQuantity("-1e999999"))).toBe(-(2n ** 63n - 1n));
    expect(unitValue(parseQuantity("16Ei"))).toBe(2n ** 63n - 1n);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("rounds tiny exponents up to one nano-unit, without computing 10^999999", () => {
    expect(parseQuantity("1e-999999").nano).toBe(1n);
    expect(parseQuantity("0e-999999").nano).toBe(0n);
    expect(parseQuantity("1000e-12").nano).toBe(1n);
  });
});
