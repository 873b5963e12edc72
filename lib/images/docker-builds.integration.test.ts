import { describe, expect, it } from "vitest";

import { codeEnvDockerfile, codeEnvImageRef } from "@/lib/code-envs/dockerfile";
import { codeEnvSchema } from "@/lib/code-envs/schema";
import { buildAndPushImage } from "@/lib/docker/builds";
import { dockerClient } from "@/lib/docker/connection";
import { dockerTestEndpoint, testBaseImage, testRegistry } from "@/test/support/docker-engine";

import { baseImageDockerfile, baseImageRef } from "./dockerfile";
import { baseImageSchema } from "./schema";

/**
 * The Dockerfiles Berth generates, built for real on a container engine and pushed to a registry:
 * a generated Dockerfile that does not build fails here. The starting image is Debian bookworm
 * (minbase, with python3-minimal) from the run's loopback registry; the builds reach Debian's
 * mirror and PyPI.
 */
const connection = { endpoint: dockerTestEndpoint() };

/** The text of a non-TTY container's log: frames of an 8-byte header (stream, size) and the bytes. */
function demultiplex(frames: Buffer): string {
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= frames.length; offset += 8 + frames.readUInt32BE(offset + 4)) {
    parts.push(frames.subarray(offset + 8, offset + 8 + frames.readUInt32BE(offset + 4)));
  }
  return Buffer.concat(parts).toString("utf8");
}

/** Runs a command in a new container of `image`; its exit code and output (stdout and stderr). */
async function runIn(image: string, command: string[]): Promise<{ exitCode: number; output: string }> {
  const docker = dockerClient(connection);
  const container = await docker.createContainer({
    Image: image,
    Cmd: command,
    Labels: { "berth.dev/test": "docker-builds" },
  });
  try {
    await container.start();
    // podman's wait may report 0 for a failed container: the exit code comes from inspect.
    await container.wait();
    const state = (await container.inspect()).State;
    const output = demultiplex(await container.logs({ stdout: true, stderr: true }));
    return { exitCode: state.ExitCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

describe("generated Dockerfiles built on a real engine", () => {
  it(
    "builds a base image with R from Debian packages and a code env with two PyPI packages; a container imports them",
    { timeout: 600_000 },
    async () => {
      const base = baseImageSchema.parse({
        name: "r-debian",
        fromImage: testBaseImage(),
        pythonVersions: ["3.11"],
        systemPackages: ["r-base-core"],
        registry: { url: testRegistry(), repository: "berth/base-images" },
      });
      const baseRef = baseImageRef(base);
      const baseLog: string[] = [];
      const baseBuild = await buildAndPushImage(connection, {
        dockerfile: baseImageDockerfile(base),
        image: baseRef,
        onProgress: (line) => baseLog.push(line),
      });
      expect(baseBuild.digest).toMatch(/^sha256:/);

      const codeEnv = codeEnvSchema.parse({
        name: "two-packages",
        language: "python",
        packages: ["six==1.17.0", "idna"],
      });
      const codeEnvRef = codeEnvImageRef(codeEnv, baseRef);
      const codeEnvBuild = await buildAndPushImage(connection, {
        dockerfile: codeEnvDockerfile(codeEnv, baseRef),
        image: codeEnvRef,
      });
      expect(codeEnvBuild.digest).toMatch(/^sha256:/);

      // The image runs as Berth's non-root user, with the code env's Python first on PATH.
      const python = await runIn(codeEnvRef, [
        "python",
        "-c",
        "import os, sys, six, idna; print(six.__version__, idna.__name__, sys.prefix, os.getuid())",
      ]);
      expect(python).toEqual({ exitCode: 0, output: "1.17.0 idna /opt/berth/code-env 1000\n" });
      const r = await runIn(codeEnvRef, ["Rscript", "-e", "cat(sum(1:10), '\\n')"]);
      expect(r).toEqual({ exitCode: 0, output: "55 \n" });
    },
  );
});
