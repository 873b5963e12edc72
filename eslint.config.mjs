import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "dist/**",
      "node_modules/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    // One stray `.only` would shrink a whole run to one test and still pass.
    files: ["**/*.test.ts", "**/*.spec.ts", "e2e/**/*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["it", "test", "describe"].map((object) => ({
          object,
          property: "only",
          message: "Focused tests must not be committed: CI would run only them.",
        })),
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
            {
              regex: "^@/lib/(?!kube/|crypto/)",
              message:
                "lib/kube must not import domain code: define the types it needs in lib/kube and let the domain pass data in.",
            },
            {
              regex: "^\\.\\./",
              message: "lib/kube imports outside its folder go through '@/' so the adapter boundary stays checkable.",
            },
          ],
        },
      ],
    },
  },
  {
    // lib/docker is the adapter to Docker engines, bounded like lib/kube: callers hand it a
    // connection and plain container inputs; it never reads the database or domain code.
    files: ["lib/docker/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^@/db(/|$)", message: "lib/docker must not read the database: take what it needs as arguments." },
            {
              regex: "^@/lib/(?!docker/|crypto/)",
              message:
                "lib/docker must not import domain code: define the types it needs in lib/docker and let the domain pass data in.",
            },
            {
              regex: "^\\.\\./",
              message: "lib/docker imports outside its folder go through '@/' so the adapter boundary stays checkable.",
            },
          ],
        },
      ],
    },
  },
  {
    // Pages and components go through the domain (lib/<area>): run statuses, build kinds, row and
    // pod view types are exported there, so a page never depends on how they are stored or read.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(@/|(\\.\\./)+)db(/|$)",
              message:
                "Pages and components must not import the database: use the lib/<area> module (its queries, or the row type it re-exports).",
            },
            {
              regex: "^(@/|(\\.\\./)+)lib/kube(/|$)",
              message:
                "Pages and components must not import lib/kube: use the lib/<area> module that reads the cluster (e.g. lib/clusters/workloads, lib/runs/live), which also exports the view types.",
            },
          ],
        },
      ],
    },
  },
  {
    // The simulator is a separate program that the console reaches only through a kubeconfig, as
    // it would any cluster; code both need lives in packages/.
    files: ["sim/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@/(lib|app|db|components)(/|$)",
              message:
                "sim/ must not import console code: move what both need into packages/ and import it as @berth/<name>.",
            },
            {
              regex: "^(\\.\\./)+(lib|app|db|components)(/|$)",
              message:
                "sim/ must not import console code: move what both need into packages/ and import it as @berth/<name>.",
            },
          ],
        },
      ],
    },
  },
  {
    // A package is shared by the console and the simulator, so it depends on neither: only on npm
    // packages, other @berth/ packages and its own files.
    files: ["packages/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@/",
              message:
                "packages/ must not import project code: take what the package needs as arguments, or move that code into a package too.",
            },
            {
              regex: "^\\.\\.(/|$)",
              message: "packages/ must not reach outside their folder: import another package by its @berth/<name>.",
            },
          ],
        },
      ],
    },
  },
  {
    // db/ is the schema and the connection, below every domain area: lib/<area> imports db, never
    // the reverse. The environment, the data dir and the secret box are infrastructure it may use.
    // scripts/ are entry points and may import anything.
    files: ["db/**/*.{ts,mts,mjs}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@/lib/(?!env$|data-dir$|crypto/)",
              message:
                "db/ must not import domain code: keep the column types in db/schema.ts and let lib/<area> import db.",
            },
            {
              regex: "^@/(app|components|sim)(/|$)",
              message: "db/ must not import pages, components or the simulator.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
