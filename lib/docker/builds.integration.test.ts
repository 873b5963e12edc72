import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";

import { dockerTestEndpoint, testAuthRegistry, testBaseImage, testRegistry } from "@/test/support/docker-engine";

import { buildAndPushImage, DockerBuildError, imageRegistryHost, registryAuths } from "./builds";
import { dockerClient } from "./connection";

const connection = { endpoint: dockerTestEndpoint() };
const unique = () => randomBytes(4).toString("hex");

/** The manifest digest the registry serves for repository:tag, or null when it has none. */
async function registryDigest(repository: string, tag: string): Promise<string | null> {
  const response = await fetch(`http://${testRegistry()}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
    },
  });
  return response.ok ? response.headers.get("docker-content-digest") : null;
}

async function failure(promise: Promise<unknown>): Promise<DockerBuildError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DockerBuildError);
  return error as DockerBuildError;
}

describe("registry credentials from a docker config", () => {
  it("reads auth and username/password entries by registry host", () => {
    const auths = registryAuths(
      JSON.stringify({
        auths: {
          "https://registry.example.com/v1/": { auth: Buffer.from("robot:s3cr:et").toString("base64") },
          "127.0.0.1:5000": { username: "u", password: "p" },
        },
      }),
    );
    expect(auths.get("registry.example.com")).toEqual({
      username: "robot",
      password: "s3cr:et",
      serveraddress: "registry.example.com",
    });
    expect(auths.get("127.0.0.1:5000")).toEqual({ username: "u", password: "p", serveraddress: "127.0.0.1:5000" });
    expect(registryAuths(undefined).size).toBe(0);
    expect(() => registryAuths("not json")).toThrow("not a docker config JSON document");
  });

  it("finds an image's registry host", () => {
    expect(imageRegistryHost("127.0.0.1:5000/berth/base:b-1")).toBe("127.0.0.1:5000");
    expect(imageRegistryHost("registry.example.com/team/image:1")).toBe("registry.example.com");
    expect(imageRegistryHost("python:3.12-slim")).toBe("docker.io");
    expect(imageRegistryHost("library/python:3.12")).toBe("docker.io");
  });
});

describe("builds on a real engine", () => {
  it("builds a Dockerfile with context files, pushes it, and the registry serves the pushed digest", async () => {
    const repository = `berth-test/build-${unique()}`;
    const lines: string[] = [];
    const result = await buildAndPushImage(connection, {
      dockerfile: `FROM ${testBaseImage()}\nARG GREETING\nCOPY hello.txt /hello.txt\nRUN echo "$GREETING from the build" > /greeting\n`,
      files: { "hello.txt": "from the context\n" },
      buildArgs: { GREETING: "hi" },
      image: `${testRegistry()}/${repository}:v1`,
      onProgress: (line) => lines.push(line),
    });
    expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registryDigest(repository, "v1")).toBe(result.digest);
    expect(lines.some((line) => /COPY hello\.txt/.test(line))).toBe(true);

    // The built image holds what the context and the build argument put there.
    const docker = dockerClient(connection);
    const container = await docker.createContainer({
      Image: `${testRegistry()}/${repository}:v1`,
      Cmd: ["cat", "/hello.txt", "/greeting"],
      Labels: { "berth.dev/test": "builds" },
    });
    try {
      await container.start();
      const exit = (await container.wait()) as { StatusCode: number };
      const logs = (await container.logs({ stdout: true, stderr: true })).toString("utf8");
      expect(exit.StatusCode).toBe(0);
      expect(logs).toContain("from the context");
      expect(logs).toContain("hi from the build");
    } finally {
      await container.remove({ force: true });
    }
  });

  it("names the failed RUN step, its exit code and its last output lines", async () => {
    const error = await failure(
      buildAndPushImage(connection, {
        dockerfile: `FROM ${testBaseImage()}\nRUN echo preparing\nRUN echo "collecting foo"; echo "No matching distribution found for foo" >&2; exit 3\nRUN echo never\n`,
        image: `${testRegistry()}/berth-test/failing-${unique()}:v1`,
      }),
    );
    expect(error.stage).toBe("build");
    expect(error.step).toMatch(/^3\/4 RUN echo "collecting foo"/);
    expect(error.message).toContain("failed at step 3/4");
    expect(error.message).toContain("exited with code 3");
    // stdout and stderr reach the engine through separate pipes: their order may vary.
    expect([...error.lastLines].sort()).toEqual(["No matching distribution found for foo", "collecting foo"]);
    expect(error.message).toContain("No matching distribution found for foo");
  });

  it("says plainly when the starting image cannot be pulled", async () => {
    const missing = `${testRegistry()}/berth-test/no-such-image:v1`;
    const error = await failure(
      buildAndPushImage(connection, {
        dockerfile: `FROM ${missing}\n`,
        image: `${testRegistry()}/berth-test/x-${unique()}:v1`,
      }),
    );
    expect(error.message).toContain("could not get its starting image");
    expect(error.message).toContain("manifest unknown");
    expect(error.step).toBe(`1/1 FROM ${missing}`);
  });

  it("pushes to and pulls from a registry that needs credentials with the docker config's, and says so when they are missing", async () => {
    const { address, username, password } = testAuthRegistry();
    const image = `${address}/berth-test/private-${unique()}:v1`;
    const dockerConfigJson = JSON.stringify({
      auths: { [address]: { auth: Buffer.from(`${username}:${password}`).toString("base64") } },
    });
    const dockerfile = `FROM ${testBaseImage()}\nLABEL purpose=private\n`;

    const refused = await failure(buildAndPushImage(connection, { dockerfile, image }));
    expect(refused.stage).toBe("push");
    expect(refused.message).toContain(
      `The registry refused to let Berth push ${image} (check the registry credentials)`,
    );

    const pushed = await buildAndPushImage(connection, { dockerfile, image, dockerConfigJson });
    const [repository, tag] = image.slice(address.length + 1).split(":");
    const manifest = await fetch(`http://${address}/v2/${repository}/manifests/${tag}`, {
      method: "HEAD",
      headers: {
        Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
        Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
      },
    });
    expect(manifest.headers.get("docker-content-digest")).toBe(pushed.digest);

    // A build FROM the private image pulls it with the credentials (once the engine's copy is gone).
    await dockerClient(connection).getImage(image).remove({ force: true });
    const fromPrivate = `FROM ${image}\nLABEL purpose=derived\n`;
    const notPulled = await failure(
      buildAndPushImage(connection, {
        dockerfile: fromPrivate,
        image: `${testRegistry()}/berth-test/derived-${unique()}:v1`,
      }),
    );
    expect(notPulled.message).toContain("could not get its starting image");
    expect(notPulled.message).toMatch(/unauthorized|authentication required/i);
    const derived = await buildAndPushImage(connection, {
      dockerfile: fromPrivate,
      image: `${testRegistry()}/berth-test/derived-${unique()}:v1`,
      dockerConfigJson,
    });
    expect(derived.digest).toMatch(/^sha256:/);
  });

  it("says plainly when the registry cannot be reached for the push", async () => {
    // Port 1 on loopback: nothing listens there.
    const error = await failure(
      buildAndPushImage(connection, {
        dockerfile: `FROM ${testBaseImage()}\nLABEL purpose=unreachable\n`,
        image: `127.0.0.1:1/berth-test/x-${unique()}:v1`,
      }),
    );
    expect(error.stage).toBe("push");
    expect(error.message).toContain("could not reach the registry to push 127.0.0.1:1/berth-test/");
    expect(error.message).toContain("connection refused");
  });
});
