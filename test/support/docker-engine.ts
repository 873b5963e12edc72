/**
 * The test run's container engine (scripts/container-engine.ts), started once per run by the
 * runners' global setups and published in the environment; tests read it with dockerTestEndpoint(),
 * testRegistry(), testBaseImage() and testAuthRegistry().
 * Plain Node: no vitest or Playwright imports, so both runners can load it.
 */
import { startContainerEngine, type AuthRegistry, type ContainerEngine } from "../../scripts/container-engine";

export { startContainerEngine };

/** The dev engine a developer may have started by hand; only the fallback when no run set one. */
const DEV_ENDPOINT = "unix:///run/berth-dev/podman.sock";
const ENDPOINT_ENV = "BERTH_TEST_DOCKER_ENDPOINT";
const REGISTRY_ENV = "BERTH_TEST_REGISTRY";
const BASE_IMAGE_ENV = "BERTH_TEST_BASE_IMAGE";
const AUTH_REGISTRY_ENV = "BERTH_TEST_AUTH_REGISTRY";

/** A loopback registry that takes pushes and pulls only with these credentials (HTTP basic auth). */
export type TestAuthRegistry = AuthRegistry;
export type TestContainerEngine = ContainerEngine;

/** The Docker API endpoint tests talk to: the run's engine, or the dev engine outside a run. */
export function dockerTestEndpoint(): string {
  return process.env[ENDPOINT_ENV] || DEV_ENDPOINT;
}

/** host:port of the run's loopback registry (plain HTTP, no credentials). */
export function testRegistry(): string {
  const registry = process.env[REGISTRY_ENV];
  if (!registry)
    throw new Error(
      `${REGISTRY_ENV} is not set: the test run's container engine was not started (test/support/docker-engine-setup.ts)`,
    );
  return registry;
}

/** The Debian bookworm image (python3 3.11) in the run's registry, to start builds FROM. */
export function testBaseImage(): string {
  const image = process.env[BASE_IMAGE_ENV];
  if (!image)
    throw new Error(
      `${BASE_IMAGE_ENV} is not set: the test run's container engine was not started (test/support/docker-engine-setup.ts)`,
    );
  return image;
}

/** The run's registry that needs credentials, empty at the start. */
export function testAuthRegistry(): TestAuthRegistry {
  const registry = process.env[AUTH_REGISTRY_ENV];
  if (!registry)
    throw new Error(
      `${AUTH_REGISTRY_ENV} is not set: the test run's container engine was not started (test/support/docker-engine-setup.ts)`,
    );
  return JSON.parse(registry) as TestAuthRegistry;
}

let shared: Promise<TestContainerEngine> | null = null;

/**
 * The run's engine, started once per process and published in the environment (child processes
 * and test workers inherit it); when the environment already names one (an outer runner started
 * it), that one is used and nothing is started.
 */
export function ensureContainerEngine(): Promise<TestContainerEngine> {
  if (
    process.env[ENDPOINT_ENV] &&
    process.env[REGISTRY_ENV] &&
    process.env[BASE_IMAGE_ENV] &&
    process.env[AUTH_REGISTRY_ENV]
  ) {
    return Promise.resolve({
      endpoint: process.env[ENDPOINT_ENV]!,
      registry: process.env[REGISTRY_ENV]!,
      baseImage: process.env[BASE_IMAGE_ENV]!,
      authRegistry: testAuthRegistry(),
      stop: async () => {},
    });
  }
  shared ??= startContainerEngine().then((engine) => {
    process.env[ENDPOINT_ENV] = engine.endpoint;
    process.env[REGISTRY_ENV] = engine.registry;
    process.env[BASE_IMAGE_ENV] = engine.baseImage;
    process.env[AUTH_REGISTRY_ENV] = JSON.stringify(engine.authRegistry);
    return {
      ...engine,
      stop: async () => {
        shared = null;
        delete process.env[ENDPOINT_ENV];
        delete process.env[REGISTRY_ENV];
        delete process.env[BASE_IMAGE_ENV];
        delete process.env[AUTH_REGISTRY_ENV];
        await engine.stop();
      },
    };
  });
  return shared;
}
