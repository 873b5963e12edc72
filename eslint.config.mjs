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
  {
    // lib/kube is the adapter to Kubernetes: callers hand it plain data (resolved pods, policy
    // templates, a cluster connection), so it must not reach back into the database or a domain
    // area. lib/crypto stays allowed: the kubeconfig is decrypted only where the client is built,
    // so its plaintext never passes through domain code.
    files: ["lib/kube/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^@/db(/|$)", message: "lib/kube must not read the database: take what it needs as arguments." },
            { regex: "^@/lib/(?!kube/|crypto/)", message: "lib/kube must not import domain code: define the types it needs in lib/kube and let the domain pass data in." },
            { regex: "^\\.\\./", message: "lib/kube imports outside its folder go through '@/' so the adapter boundary stays checkable." },
          ],
        },
      ],
    },
  },
];

export default config;
