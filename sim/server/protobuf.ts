/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies. kubectl ≥1.32 sends them for
 * its generator commands (`create namespace|configmap|secret|serviceaccount|role|rolebinding|
 * quota|job`, `run`), with no fallback to JSON. Only the messages those commands fill are
 * described here (field numbers from k8s.io/api's generated.proto); unknown fields are skipped.
 *
 * Go's protobuf writes non-pointer scalars even when empty, so empty strings, false, zero and
 * empty collections are dropped from the result, as JSON `omitempty` would.
 */
import { badRequest, unsupportedMediaType } from "./errors";

type Scalar = "string" | "int" | "bool" | "bytes" | "quantity" | "time" | "intOrString";
type FieldType = Scalar | Message | { map: Scalar | Message };
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** A non-pointer struct in Go: JSON shows it as {} even when empty. */
  keepEmpty?: boolean;
}
interface Message {
  fields: Record<number, Field>;
}

const msg = (fields: Record<number, Field>): Message => ({ fields });
const f = (name: string, type: FieldType, repeated = false): Field => ({ name, type, repeated });
const struct = (name: string, type: Message): Field => ({ name, type, keepEmpty: true });

const ownerReference = msg({
  1: f("kind", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("controller", "bool"),
  7: f("blockOwnerDeletion", "bool"),
});
const objectMeta = msg({
  1: f("name", "string"),
  2: f("generateName", "string"),
  3: f("namespace", "string"),
  5: f("uid", "string"),
  6: f("resourceVersion", "string"),
  7: f("generation", "int"),
  8: f("creationTimestamp", "time"),
  11: f("labels", { map: "string" }),
  12: f("annotations", { map: "string" }),
  13: f("ownerReferences", ownerReference, true),
  14: f("finalizers", "string", true),
});
const labelSelectorRequirement = msg({
  1: f("key", "string"),
  2: f("operator", "string"),
  3: f("values", "string", true),
});
const labelSelector = msg({
  1: f("matchLabels", { map: "string" }),
  2: f("matchExpressions", labelSelectorRequirement, true),
});
const keySelector = msg({
  1: f("localObjectReference", msg({ 1: f("name", "string") })),
  2: f("key", "string"),
  3: f("optional", "bool"),
});
const envVar = msg({
  1: f("name", "string"),
  2: f("value", "string"),
  3: f(
    "valueFrom",
    msg({
      1: f("fieldRef", msg({ 1: f("apiVersion", "string"), 2: f("fieldPath", "string") })),
      3: f("configMapKeyRef", keySelector),
      4: f("secretKeyRef", keySelector),
    }),
  ),
});
const containerPort = msg({
  1: f("name", "string"),
  2: f("hostPort", "int"),
  3: f("containerPort", "int"),
  4: f("protocol", "string"),
  5: f("hostIP", "string"),
});
const resources = msg({ 1: f("limits", { map: "quantity" }), 2: f("requests", { map: "quantity" }) });
const volumeMount = msg({
  1: f("name", "string"),
  2: f("readOnly", "bool"),
  3: f("mountPath", "string"),
  4: f("subPath", "string"),
});
const container = msg({
  1: f("name", "string"),
  2: f("image", "string"),
  3: f("command", "string", true),
  4: f("args", "string", true),
  5: f("workingDir", "string"),
  6: f("ports", containerPort, true),
  7: f("env", envVar, true),
  8: struct("resources", resources),
  9: f("volumeMounts", volumeMount, true),
  13: f("terminationMessagePath", "string"),
  14: f("imagePullPolicy", "string"),
  16: f("stdin", "bool"),
  17: f("stdinOnce", "bool"),
  18: f("tty", "bool"),
  20: f("terminationMessagePolicy", "string"),
});
const toleration = msg({
  1: f("key", "string"),
  2: f("operator", "string"),
  3: f("value", "string"),
  4: f("effect", "string"),
  5: f("tolerationSeconds", "int"),
});
const podSpec = msg({
  2: f("containers", container, true),
  3: f("restartPolicy", "string"),
  4: f("terminationGracePeriodSeconds", "int"),
  5: f("activeDeadlineSeconds", "int"),
  6: f("dnsPolicy", "string"),
  7: f("nodeSelector", { map: "string" }),
  8: f("serviceAccountName", "string"),
  10: f("nodeName", "string"),
  15: f("imagePullSecrets", msg({ 1: f("name", "string") }), true),
  19: f("schedulerName", "string"),
  20: f("initContainers", container, true),
  22: f("tolerations", toleration, true),
  24: f("priorityClassName", "string"),
});
const podTemplateSpec = msg({ 1: struct("metadata", objectMeta), 2: f("spec", podSpec) });
const policyRule = msg({
  1: f("verbs", "string", true),
  2: f("apiGroups", "string", true),
  3: f("resources", "string", true),
  4: f("resourceNames", "string", true),
  5: f("nonResourceURLs", "string", true),
});

/** Messages by `apiVersion/kind`, as carried in the envelope's TypeMeta. */
const KINDS: Record<string, Message> = {
  "v1/Namespace": msg({ 1: f("metadata", objectMeta), 2: f("spec", msg({ 1: f("finalizers", "string", true) })) }),
  "v1/ConfigMap": msg({
    1: f("metadata", objectMeta),
    2: f("data", { map: "string" }),
    3: f("binaryData", { map: "bytes" }),
    4: f("immutable", "bool"),
  }),
  "v1/Secret": msg({
    1: f("metadata", objectMeta),
    2: f("data", { map: "bytes" }),
    3: f("type", "string"),
    4: f("stringData", { map: "string" }),
    5: f("immutable", "bool"),
  }),
  "v1/ServiceAccount": msg({
    1: f("metadata", objectMeta),
    2: f("secrets", msg({ 2: f("name", "string"), 1: f("kind", "string"), 3: f("namespace", "string") }), true),
    3: f("imagePullSecrets", msg({ 1: f("name", "string") }), true),
    4: f("automountServiceAccountToken", "bool"),
  }),
  "v1/ResourceQuota": msg({
    1: f("metadata", objectMeta),
    2: f("spec", msg({ 1: f("hard", { map: "quantity" }), 2: f("scopes", "string", true) })),
  }),
  "v1/LimitRange": msg({
    1: f("metadata", objectMeta),
    2: f(
      "spec",
      msg({
        1: f(
          "limits",
          msg({
            1: f("type", "string"),
            2: f("max", { map: "quantity" }),
            3: f("min", { map: "quantity" }),
            4: f("default", { map: "quantity" }),
            5: f("defaultRequest", { map: "quantity" }),
            6: f("maxLimitRequestRatio", { map: "quantity" }),
          }),
          true,
        ),
      }),
    ),
  }),
  "v1/Pod": msg({ 1: f("metadata", objectMeta), 2: f("spec", podSpec) }),
  "batch/v1/Job": msg({
    1: f("metadata", objectMeta),
    2: f(
      "spec",
      msg({
        1: f("parallelism", "int"),
        2: f("completions", "int"),
        3: f("activeDeadlineSeconds", "int"),
        4: f("selector", labelSelector),
        5: f("manualSelector", "bool"),
        6: f("template", podTemplateSpec),
        7: f("backoffLimit", "int"),
        8: f("ttlSecondsAfterFinished", "int"),
        9: f("completionMode", "string"),
        10: f("suspend", "bool"),
      }),
    ),
  }),
  "authorization.k8s.io/v1/SelfSubjectAccessReview": msg({
    1: f("metadata", objectMeta),
    2: f(
      "spec",
      msg({
        1: f(
          "resourceAttributes",
          msg({
            1: f("namespace", "string"),
            2: f("verb", "string"),
            3: f("group", "string"),
            4: f("version", "string"),
            5: f("resource", "string"),
            6: f("subresource", "string"),
            7: f("name", "string"),
          }),
        ),
        2: f("nonResourceAttributes", msg({ 1: f("path", "string"), 2: f("verb", "string") })),
      }),
    ),
  }),
  "authorization.k8s.io/v1/SelfSubjectRulesReview": msg({
    1: f("metadata", objectMeta),
    2: f("spec", msg({ 1: f("namespace", "string") })),
  }),
  "authentication.k8s.io/v1/SelfSubjectReview": msg({ 1: f("metadata", objectMeta) }),
  "rbac.authorization.k8s.io/v1/Role": msg({ 1: f("metadata", objectMeta), 2: f("rules", policyRule, true) }),
  "rbac.authorization.k8s.io/v1/RoleBinding": msg({
    1: f("metadata", objectMeta),
    2: f(
      "subjects",
      msg({ 1: f("kind", "string"), 2: f("apiGroup", "string"), 3: f("name", "string"), 4: f("namespace", "string") }),
      true,
    ),
    3: f("roleRef", msg({ 1: f("apiGroup", "string"), 2: f("kind", "string"), 3: f("name", "string") })),
  }),
};

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly end = buf.length,
  ) {}
  get done() {
    return this.pos >= this.end;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw badRequest("protobuf: truncated varint");
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const length = Number(this.varint());
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw badRequest("protobuf: truncated field");
    return this.buf.subarray(start, this.pos);
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wireType}`);
  }
}

/** Iterates (field number, wire type, reader positioned at the value). */
function* fieldsOf(buf: Buffer): Generator<[number, number, Reader]> {
  const reader = new Reader(buf);
  while (!reader.done) {
    const tag = Number(reader.varint());
    yield [tag >>> 3, tag & 7, reader];
  }
}

function decodeScalar(type: Scalar, reader: Reader): unknown {
  switch (type) {
    case "string":
      return reader.bytes().toString("utf8");
    case "bytes":
      return reader.bytes().toString("base64");
    case "int":
      return Number(BigInt.asIntN(64, reader.varint()));
    case "bool":
      return reader.varint() !== 0n;
    case "quantity":
      return (decodeMessage(msg({ 1: f("string", "string") }), reader.bytes()) as { string?: string }).string ?? "0";
    case "time": {
      const t = decodeMessage(msg({ 1: f("seconds", "int"), 2: f("nanos", "int") }), reader.bytes()) as {
        seconds?: number;
      };
      return t.seconds ? new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
    }
    case "intOrString": {
      const v = decodeMessage(
        msg({ 1: f("type", "int"), 2: f("intVal", "int"), 3: f("strVal", "string") }),
        reader.bytes(),
      ) as { type?: number; intVal?: number; strVal?: string };
      return v.type === 1 ? (v.strVal ?? "") : (v.intVal ?? 0);
    }
  }
}

function decodeValue(type: FieldType, reader: Reader): unknown {
  if (typeof type === "string") return decodeScalar(type, reader);
  if ("fields" in type) return decodeMessage(type, reader.bytes());
  throw new Error("maps are decoded by their parent");
}

function decodeMessage(message: Message, buf: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [number, wireType, reader] of fieldsOf(buf)) {
    const field = message.fields[number];
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    const type = field.type;
    if (typeof type === "object" && "map" in type) {
      const entry = decodeMessage(msg({ 1: f("key", "string"), 2: f("value", type.map) }), reader.bytes());
      const map = (out[field.name] ??= new Map()) as Map<string, unknown>;
      map.set(String(entry.key ?? ""), entry.value ?? "");
      continue;
    }
    if (field.repeated && type === "int" && wireType === 2) {
      const packed = new Reader(reader.bytes());
      const list = (out[field.name] ??= []) as unknown[];
      while (!packed.done) list.push(Number(BigInt.asIntN(64, packed.varint())));
      continue;
    }
    const value = decodeValue(type, reader);
    if (field.keepEmpty) KEEP.add(value as object);
    if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else out[field.name] = value;
  }
  return out;
}

const KEEP = new WeakSet<object>();

/**
 * Drops what Go's omitempty would have left out of JSON. Maps (decoded as `Map`) and list items
 * keep their values even when empty: a label may be "".
 */
function prune(value: unknown, keepEmpty = false): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[k] = prune(v, true);
    return value.size ? out : undefined;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => prune(v, true));
    return items.length ? items : undefined;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = prune(v);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length || keepEmpty || KEEP.has(value) ? out : undefined;
  }
  if (!keepEmpty && (value === "" || value === false || value === 0)) return undefined;
  return value;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

export function isProtobuf(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(MAGIC);
}

/** Decodes a protobuf-encoded object into its JSON form, or refuses the kinds not described. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (!isProtobuf(body)) throw badRequest("protobuf: missing k8s envelope prefix");
  // The envelope (runtime.Unknown): typeMeta = 1, raw = 2.
  let typeMeta: { apiVersion?: string; kind?: string } = {};
  let raw: Buffer | undefined;
  for (const [number, wireType, reader] of fieldsOf(body.subarray(4))) {
    if (number === 1)
      typeMeta = decodeMessage(msg({ 1: f("apiVersion", "string"), 2: f("kind", "string") }), reader.bytes());
    else if (number === 2) raw = reader.bytes();
    else reader.skip(wireType);
  }
  const message = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!message || !raw) throw unsupportedMediaType(["application/json", "application/yaml"]);
  const object = prune(decodeMessage(message, raw)) as Record<string, unknown> | undefined;
  return {
    apiVersion: typeMeta.apiVersion,
    kind: typeMeta.kind,
    ...(object ?? {}),
    metadata: (object?.metadata as object | undefined) ?? {},
  };
}
