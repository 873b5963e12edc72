import { describe, expect, it } from "vitest";

import { applyJsonPatch, applyMergePatch, applyServerSide, applyStrategicMergePatch, fieldSet } from "./patch";

const pod = {
  metadata: { name: "p", labels: { a: "1", x: "2" }, finalizers: ["f1"] },
  spec: {
    containers: [
      {
        name: "c",
        image: "busybox:1",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "1" },
        ],
        ports: [{ containerPort: 80 }],
      },
      { name: "d", image: "nginx" },
    ],
    tolerations: [{ key: "t1" }],
  },
};

describe("JSON patch and merge patch", () => {
  it("applies RFC 6902 operations and refuses failed tests with 422", () => {
    expect(
      applyJsonPatch(pod, [{ op: "replace", path: "/spec/containers/0/image", value: "busybox:2" }]).spec.containers[0]
        .image,
    ).toBe("busybox:2");
    expect(() => applyJsonPatch(pod, [{ op: "test", path: "/metadata/name", value: "q" }])).toThrow(
      /rejected our request/,
    );
    // The real apiserver keeps the patch library's reason to itself.
    expect(() => applyJsonPatch(pod, [{ op: "remove", path: "/metadata/nothing" }])).toThrow(
      /^the server rejected our request due to an error in our request$/,
    );
  });

  it("merges objects, deletes nulls and replaces lists (RFC 7386)", () => {
    const result = applyMergePatch(pod, {
      metadata: { labels: { a: null, b: "3" } },
      spec: { tolerations: [] },
    }) as typeof pod;
    expect(result.metadata.labels).toEqual({ x: "2", b: "3" });
    expect(result.spec.tolerations).toEqual([]);
    expect(result.spec.containers).toHaveLength(2);
  });
});

describe("strategic merge patch", () => {
  it("applies what kubectl apply sends: merge keys, $patch delete, $setElementOrder, null deletes", () => {
    const patch = {
      metadata: { labels: { x: null, y: "3" } },
      spec: {
        "$setElementOrder/containers": [{ name: "d" }, { name: "c" }],
        containers: [
          {
            name: "c",
            image: "busybox:2",
            "$setElementOrder/env": [{ name: "B" }],
            env: [
              { name: "B", value: "2" },
              { $patch: "delete", name: "A" },
            ],
          },
        ],
      },
    };
    const result = applyStrategicMergePatch(pod, patch) as typeof pod;
    expect(result.metadata.labels).toEqual({ a: "1", y: "3" });
    expect(result.spec.containers.map((c) => c.name)).toEqual(["d", "c"]);
    const c = result.spec.containers[1];
    expect(c.image).toBe("busybox:2");
    expect(c.env).toEqual([{ name: "B", value: "2" }]);
    expect(c.ports).toEqual([{ containerPort: 80 }]);
  });

  it("replaces lists without merge keys and unions merged scalar lists", () => {
    const result = applyStrategicMergePatch(pod, {
      metadata: { finalizers: ["f2"] },
      spec: { tolerations: [{ key: "t2" }] },
    }) as typeof pod;
    expect(result.spec.tolerations).toEqual([{ key: "t2" }]);
    expect(result.metadata.finalizers).toEqual(["f1", "f2"]);
  });

  it("honours $patch: replace and $deleteFromPrimitiveList", () => {
    const replaced = applyStrategicMergePatch(pod, {
      spec: { containers: [{ $patch: "replace" }, { name: "z", image: "z" }] },
    }) as typeof pod;
    expect(replaced.spec.containers).toEqual([{ name: "z", image: "z" }]);
    const pruned = applyStrategicMergePatch(pod, {
      metadata: { "$deleteFromPrimitiveList/finalizers": ["f1"] },
    }) as typeof pod;
    expect(pruned.metadata.finalizers).toEqual([]);
  });
});

describe("server-side apply", () => {
  it("merges the applied configuration and removes fields the manager stopped applying", () => {
    const first = {
      metadata: { name: "p", labels: { owned: "1", also: "2" } },
      spec: {
        containers: [
          { name: "c", image: "i1" },
          { name: "e", image: "i3" },
        ],
      },
    };
    const live = applyServerSide(pod as never, first, undefined);
    expect((live as typeof pod).spec.containers.map((c) => c.name)).toEqual(["c", "d", "e"]);
    const second = {
      metadata: { name: "p", labels: { owned: "1" } },
      spec: { containers: [{ name: "c", image: "i2" }] },
    };
    const next = applyServerSide(live, second, fieldSet(first)) as typeof pod;
    expect(next.metadata.labels).toEqual({ a: "1", x: "2", owned: "1" });
    expect(next.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(["c:i2", "d:nginx"]);
  });

  it("describes applied fields as a FieldsV1 set", () => {
    expect(fieldSet({ metadata: { labels: { a: "1" } }, spec: { containers: [{ name: "c", image: "x" }] } })).toEqual({
      "f:metadata": { "f:labels": { "f:a": {} } },
      "f:spec": { "f:containers": { 'k:{"name":"c"}': { ".": {}, "f:name": {}, "f:image": {} } } },
    });
  });
});
