/**
 * Playwright global setup: the run's own container engine and loopback registry
 * (test/support/docker-engine.ts). The spec workers inherit its endpoint; specs read it with
 * dockerTestEndpoint() and attach it as a Docker host the way an admin would.
 */
import { ensureContainerEngine } from "../../test/support/docker-engine";

export default async function globalSetup() {
  const engine = await ensureContainerEngine();
  return () => engine.stop();
}
