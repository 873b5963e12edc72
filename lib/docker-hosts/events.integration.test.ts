import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

import type { DockerHost } from "@/db/schema";
import { dockerClient } from "@/lib/docker/connection";
import { containerCreateBody } from "@/lib/docker/container-body";
import {
  createAndStartContainer,
  killAndRemoveContainer,
  listContainersByLabels,
  waitContainer,
  type ContainerEvent,
} from "@/lib/docker/containers";
import { dockerTestEndpoint, testBaseImage } from "@/test/support/docker-engine";

import { openDockerHostEventStreams, watchDockerHostEvents } from "./events";

const client = dockerClient({ endpoint: dockerTestEndpoint() });
const testLabel = { "berth.dev/test": randomBytes(6).toString("hex") };
// Only what the subscription reads of a host row.
const host = {
  id: 9_001,
  version: 1,
  name: "events",
  endpoint: dockerTestEndpoint(),
  tlsEncrypted: null,
} as DockerHost;

afterAll(async () => {
  for (const container of await listContainersByLabels(client, testLabel))
    await killAndRemoveContainer(client, container.id);
});

/** Resolves once `events` holds a `die` of container `id`. */
function dieOf(events: ContainerEvent[], id: () => string): Promise<void> {
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (events.some((event) => event.id === id() && event.action.startsWith("die"))) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  });
}

describe("a Docker host's events, shared", () => {
  it("gives every follower of a host its events over one stream, closed with the last follower", async () => {
    const runs: ContainerEvent[] = [];
    const dashboard: ContainerEvent[] = [];
    const ended: unknown[] = [];
    const first = await watchDockerHostEvents(
      host,
      (event) => runs.push(event),
      (error) => ended.push(error),
    );
    const second = await watchDockerHostEvents(
      host,
      (event) => dashboard.push(event),
      (error) => ended.push(error),
    );
    expect(openDockerHostEventStreams(host.id)).toBe(1);

    const id = await createAndStartContainer(
      client,
      containerCreateBody({
        image: testBaseImage(),
        command: ["python3", "-c", "print(1)"],
        env: {},
        labels: testLabel,
      }),
    );
    await waitContainer(client, id);
    await Promise.all([dieOf(runs, () => id), dieOf(dashboard, () => id)]);
    expect(runs.filter((event) => event.id === id).map((event) => event.action)).toEqual(
      dashboard.filter((event) => event.id === id).map((event) => event.action),
    );

    first.close();
    expect(openDockerHostEventStreams(host.id)).toBe(1);
    second.close();
    expect(openDockerHostEventStreams(host.id)).toBe(0);
    // Closing is not the engine ending the stream: nobody is told to subscribe again.
    expect(ended).toEqual([]);
  });

  it("opens a new stream for a host whose connection changed, and tells the old followers it ended", async () => {
    const ended: unknown[] = [];
    const old = await watchDockerHostEvents(
      host,
      () => undefined,
      (error) => ended.push(error),
    );
    const moved = await watchDockerHostEvents(
      { ...host, version: 2 },
      () => undefined,
      () => undefined,
    );
    expect(ended).toEqual([null]);
    expect(openDockerHostEventStreams(host.id)).toBe(1);
    old.close();
    expect(openDockerHostEventStreams(host.id)).toBe(1);
    moved.close();
    expect(openDockerHostEventStreams(host.id)).toBe(0);
  });
});
