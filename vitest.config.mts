import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      "@berth/quantity": fileURLToPath(new URL("./packages/quantity/index.ts", import.meta.url)),
      "@berth/node-selection": fileURLToPath(new URL("./packages/node-selection/index.ts", import.meta.url)),
      // Server-only modules are unit-tested in Node, outside a React server bundle.
      "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    // *.real.test.ts need a real control plane: vitest.real.config.mts runs them.
    exclude: ["node_modules/**", "e2e/**", ".next/**", "dist/**", "data/**", "**/*.real.test.ts"],
    globalSetup: ["test/support/cluster-setup.ts", "test/support/docker-engine-setup.ts"],
    // Integration tests wait on a real (simulated) cluster: leave headroom on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
