import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

import { dockerTestEndpoint, testBaseImage } from "@/test/support/docker-engine";

import { dockerClient } from "./connection";
import { containerCreateBody } from "./container-body";
import {
  containerLogs,
  createAndStartContainer,
  ImagePullError,
  inspectContainer,
  killAndRemoveContainer,
  listContainersByLabels,
  readContainerLogs,
  waitContainer,
  watchContainerEvents,
  type ContainerEvent,
} from "./containers";

const client = dockerClient({ endpoint: dockerTestEndpoint() });
const testLabel = { "berth.dev/test": randomBytes(6).toString("hex") };

function body(command: string[], labels: Record<string, string> = {}) {
  return containerCreateBody({
    image: testBaseImage(),
    command,
    env: { GREETING: "hello from env" },
    labels: { ...testLabel, ...labels },
    memoryBytes: 128 * 1024 * 1024,
  });
}

afterAll(async () => {
  for (const container of await listContainersByLabels(client, testLabel))
    await killAndRemoveContainer(client, container.id);
});

describe("containers on a real engine", () => {
  it("runs a Python script: output, exit code from inspect, label listing, events, removal confirmed", async () => {
    const labels = { "berth.dev/run": randomBytes(4).toString("hex") };
    const events: ContainerEvent[] = [];
    let died!: () => void;
    const dieSeen = new Promise<void>((resolve) => (died = resolve));
    const subscription = await watchContainerEvents(
      client,
      labels,
      (event) => {
        events.push(event);
        if (event.action === "die") died();
      },
      () => undefined,
    );
    try {
      const id = await createAndStartContainer(
        client,
        body(["python3", "-c", "import os, sys; print(os.environ['GREETING']); sys.exit(3)"], labels),
      );
      const final = await waitContainer(client, id);
      expect(final).toMatchObject({ id, status: "exited", exitCode: 3, oomKilled: false, running: false });
      expect(final!.labels).toMatchObject(labels);
      expect(await readContainerLogs(client, id)).toBe("hello from env\n");
      expect(await listContainersByLabels(client, labels)).toEqual([expect.objectContaining({ id, status: "exited" })]);
      await dieSeen;
      expect(events.filter((event) => event.id === id).map((event) => event.action)).toEqual(
        expect.arrayContaining(["start", "die"]),
      );
      expect(events.find((event) => event.action === "die")!.labels).toMatchObject(labels);
      expect(await killAndRemoveContainer(client, id)).toBe(true);
      expect(await inspectContainer(client, id)).toBeNull();
      expect(await killAndRemoveContainer(client, id)).toBe(false);
    } finally {
      subscription.close();
    }
  });

  it("follows the logs of a running container until it is killed", async () => {
    const id = await createAndStartContainer(
      client,
      body(["python3", "-u", "-c", "import time; print('first line'); time.sleep(3600)"]),
    );
    const stream = await containerLogs(client, id, { follow: true });
    let text = "";
    for await (const chunk of stream) {
      text += chunk.toString();
      if (text.includes("first line")) break;
    }
    expect(text).toBe("first line\n");
    expect((await inspectContainer(client, id))!.running).toBe(true);
    expect(await killAndRemoveContainer(client, id)).toBe(true);
    expect(await inspectContainer(client, id)).toBeNull();
  });

  it("keeps lines a program writes in pieces whole, with or without a tail (Python unbuffered prints word by word)", async () => {
    // The pause makes the engine store the first piece as a partial log entry of its own.
    const script = [
      "import sys, time",
      "for n in range(3):",
      "    sys.stdout.write('six'); sys.stdout.flush(); time.sleep(0.2)",
      "    sys.stdout.write(' %d\\n' % n); sys.stdout.flush()",
    ].join("\n");
    const id = await createAndStartContainer(client, body(["python3", "-c", script]));
    expect(await waitContainer(client, id)).toMatchObject({ exitCode: 0 });
    expect(await readContainerLogs(client, id)).toBe("six 0\nsix 1\nsix 2\n");
    expect(await readContainerLogs(client, id, 2000)).toBe("six 0\nsix 1\nsix 2\n");
    expect(await readContainerLogs(client, id, 2)).toBe("six 1\nsix 2\n");
    expect(await killAndRemoveContainer(client, id)).toBe(true);
  });

  it("says in plain words when the image cannot be pulled", async () => {
    const missing = { ...body(["true"]), Image: "localhost:1/berth-missing:1" };
    const error = await createAndStartContainer(client, missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImagePullError);
    expect((error as Error).message).toMatch(/^The image localhost:1\/berth-missing:1 could not be pulled: /);
    expect(await listContainersByLabels(client, testLabel)).toEqual([]);
  });
});
