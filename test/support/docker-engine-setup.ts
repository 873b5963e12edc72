/**
 * vitest global setup: the run's own container engine and loopback registry (test/support/docker-engine.ts),
 * started before the workers so they inherit its endpoint; tests read it with dockerTestEndpoint(),
 * testRegistry() and testBaseImage().
 */
import { ensureContainerEngine } from "./docker-engine";

export default async function setup() {
  const engine = await ensureContainerEngine();
  return () => engine.stop();
}
