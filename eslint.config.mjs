import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "dist/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    // One stray `.only` would shrink a whole run to one test and still pass.
    files: ["**/*.test.ts", "**/*.spec.ts", "e2e/**/*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["it", "test", "describe"].map((object) => ({ object, property: "only", message: "Focused tests must not be committed: CI would run only them." })),
      ],
    },
  },
];

export default config;
