import net from "node:net";
import tls from "node:tls";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { dockerTestEndpoint } from "@/test/support/docker-engine";

import {
  describeDockerError,
  dockerCall,
  DockerCallError,
  dockerClient,
  parseDockerEndpoint,
  vetDockerConnection,
  type DockerTls,
} from "./connection";

const tenYears = () => new Date(Date.now() + 3650 * 24 * 3600 * 1000);

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as an engine's TLS set-up has them. */
async function certificates(name: string) {
  const ca = await generate([{ name: "commonName", value: `${name}-ca` }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate: tenYears(),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = (commonName: string, usage: { serverAuth?: boolean; clientAuth?: boolean }) =>
    generate([{ name: "commonName", value: commonName }], {
      keyType: "ec",
      algorithm: "sha256",
      notAfterDate: tenYears(),
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", ...usage },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
      ],
    });
  const server = await leaf(`${name}-engine`, { serverAuth: true });
  const client = await leaf(`${name}-berth`, { clientAuth: true });
  return {
    ca: ca.cert,
    server: { cert: server.cert, key: server.private },
    client: { ca: ca.cert, cert: client.cert, key: client.private } satisfies DockerTls,
  };
}

describe("parseDockerEndpoint", () => {
  it.each([
    ["unix:///run/docker.sock", { kind: "unix", socketPath: "/run/docker.sock" }],
    [
      "unix:///var/run/user/1000/podman/podman.sock",
      { kind: "unix", socketPath: "/var/run/user/1000/podman/podman.sock" },
    ],
    ["tcp://docker.example.com:2376", { kind: "tcp", host: "docker.example.com", port: 2376 }],
    ["tcp://10.1.2.3:2376/", { kind: "tcp", host: "10.1.2.3", port: 2376 }],
    ["tcp://[fd00::1]:2376", { kind: "tcp", host: "fd00::1", port: 2376 }],
    ["  TCP://host:1  ", { kind: "tcp", host: "host", port: 1 }],
  ])("accepts %s", (endpoint, expected) => {
    expect(parseDockerEndpoint(endpoint)).toEqual({ ok: true, endpoint: expected });
  });

  it.each([
    ["ssh://root@build-host", /ssh program/],
    ["ssh://build-host:22", /ssh program/],
    ["http://127.0.0.1:2375", /http:\/\/ endpoints are not supported/],
    ["https://docker.example.com:2376", /https:\/\/ endpoints are not supported/],
    ["npipe:////./pipe/docker_engine", /npipe:\/\/ endpoints are not supported/],
    ["fd://", /fd:\/\/ endpoints are not supported/],
    ["file:///etc/passwd", /file:\/\/ endpoints are not supported/],
    ["/var/run/docker.sock", /must start with unix:\/\//],
    ["docker.sock", /must start with unix:\/\//],
    ["127.0.0.1:2375", /must start with unix:\/\//],
    ["unix://run/docker.sock", /absolute socket path/],
    ["unix://./docker.sock", /absolute socket path/],
    ["unix://~/docker.sock", /absolute socket path/],
    ["unix://", /absolute socket path/],
    ["unix:///run/../etc/docker.sock", /\.\. segments/],
    ["unix:///run/./docker.sock", /\.\. segments/],
    ["unix:///run/docker.sock?x=1", /no query/],
    ["unix:///run/", /name a socket file/],
    [`unix:///${"a".repeat(120)}`, /longer than/],
    ["unix:///run/docker sock", /spaces or control characters/],
    ["unix:///run/docker\n.sock", /spaces or control characters/],
    ["tcp://host", /host:port and nothing else/],
    ["tcp://host:2376/v1.41", /host:port and nothing else/],
    ["tcp://host:2376?tls=0", /host:port and nothing else/],
    ["tcp://user:pass@host:2376", /no user name or password/],
    ["tcp://host:0", /between 1 and 65535/],
    ["tcp://host:99999", /between 1 and 65535/],
    ["tcp://-bad-:2376", /not a host name/],
    ["tcp://[not-ip]:2376", /host:port and nothing else|not a host name/],
    ["", /Give the Docker API endpoint/],
  ])("refuses %j with a plain reason", (endpoint, reason) => {
    const parsed = parseDockerEndpoint(endpoint);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.reason).toMatch(reason);
  });
});

describe("vetDockerConnection", () => {
  let pems: Awaited<ReturnType<typeof certificates>>;
  let other: Awaited<ReturnType<typeof certificates>>;
  beforeAll(async () => {
    pems = await certificates("vet");
    other = await certificates("other");
  });

  it("accepts a unix socket without TLS and tcp with a matching certificate and key", () => {
    expect(vetDockerConnection({ endpoint: "unix:///run/docker.sock" })).toEqual([]);
    expect(vetDockerConnection({ endpoint: "tcp://127.0.0.1:2376", tls: pems.client })).toEqual([]);
  });

  it("refuses tcp without TLS, and TLS on a unix socket", () => {
    expect(vetDockerConnection({ endpoint: "tcp://127.0.0.1:2375" })).toEqual([
      { field: "tls", message: expect.stringMatching(/needs TLS/) },
    ]);
    expect(vetDockerConnection({ endpoint: "unix:///run/docker.sock", tls: pems.client })).toEqual([
      { field: "tls", message: expect.stringMatching(/only to tcp/) },
    ]);
  });

  it.each([
    ["ca", "/etc/docker/ca.pem", /looks like a file path/],
    ["cert", "~/.docker/cert.pem", /looks like a file path/],
    ["key", "./key.pem", /looks like a file path/],
    ["key", "file:///root/.docker/key.pem", /looks like a file path/],
    ["ca", "not a certificate", /not PEM text/],
    ["ca", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", /not a valid X.509/],
    ["cert", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\ntrailing text", /not PEM text/],
    ["cert", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", /must start with a CERTIFICATE block/],
    ["key", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", /must be a PRIVATE KEY block/],
    [
      "key",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
      /encrypted with a passphrase/,
    ],
    ["key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", /not a valid private key/],
    ["key", "", /Paste the client key/],
  ] as const)("refuses tls.%s %j", (field, value, message) => {
    const problems = vetDockerConnection({ endpoint: "tcp://127.0.0.1:2376", tls: { ...pems.client, [field]: value } });
    expect(problems).toContainEqual({ field: `tls.${field}`, message: expect.stringMatching(message) });
  });

  it("refuses a key that does not belong to the certificate", () => {
    const problems = vetDockerConnection({
      endpoint: "tcp://127.0.0.1:2376",
      tls: { ...pems.client, key: other.client.key },
    });
    expect(problems).toEqual([{ field: "tls.key", message: expect.stringMatching(/does not belong/) }]);
  });

  it("never builds a client for a refused connection", () => {
    expect(() => dockerClient({ endpoint: "ssh://root@host" })).toThrow(/ssh program/);
    expect(() => dockerClient({ endpoint: "tcp://127.0.0.1:2375" })).toThrow(/needs TLS/);
  });
});

describe("dockerClient against a real engine", () => {
  it("pings the test engine and reads its version", async () => {
    const docker = dockerClient({ endpoint: dockerTestEndpoint() });
    expect(String(await dockerCall(() => docker.ping()))).toBe("OK");
    const version = await dockerCall(() => docker.version());
    expect(version.ApiVersion).toMatch(/^\d+\.\d+/);
    expect(dockerClient({ endpoint: dockerTestEndpoint() })).toBe(docker);
  });

  it("ignores DOCKER_HOST and DOCKER_PATH_PREFIX in Berth's environment", async () => {
    const saved = { host: process.env.DOCKER_HOST, path: process.env.DOCKER_PATH_PREFIX };
    process.env.DOCKER_HOST = "tcp://127.0.0.1:1";
    process.env.DOCKER_PATH_PREFIX = "/elsewhere/";
    try {
      // The leading space makes a connection the cache has not seen: the client is built while the variables are set.
      const docker = dockerClient({ endpoint: ` ${dockerTestEndpoint()}` });
      expect(String(await dockerCall(() => docker.ping()))).toBe("OK");
    } finally {
      for (const [name, value] of [
        ["DOCKER_HOST", saved.host],
        ["DOCKER_PATH_PREFIX", saved.path],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("says in plain words that a missing socket cannot be reached", async () => {
    const docker = dockerClient({ endpoint: "unix:///run/berth-no-such-engine.sock" });
    const failure = await dockerCall(() => docker.ping()).catch((error: DockerCallError) => error.failure);
    expect(failure).toEqual({ status: 503, reason: "Unreachable", message: "The engine cannot be reached (ENOENT)." });
  });

  it("turns the engine's 404 into its own words", async () => {
    const docker = dockerClient({ endpoint: dockerTestEndpoint() });
    const failure = await dockerCall(() => docker.getContainer("berth-no-such-container").inspect()).then(
      () => undefined,
      (error: DockerCallError) => error.failure,
    );
    expect(failure).toMatchObject({ status: 404, reason: "NotFound", engineStatus: 404 });
    expect(failure?.message).toMatch(/no such container/i);
    expect(failure?.message).not.toMatch(/HTTP code/);
  });

  describe("over tcp:// with TLS", () => {
    // The engine serves only its socket here; a TLS terminator that demands a client certificate
    // (as dockerd --tlsverify does) stands in front of it.
    let pems: Awaited<ReturnType<typeof certificates>>;
    let server: tls.Server;
    let port = 0;
    beforeAll(async () => {
      pems = await certificates("engine");
      const socketPath = parseDockerEndpoint(dockerTestEndpoint());
      if (!socketPath.ok || socketPath.endpoint.kind !== "unix")
        throw new Error("the TLS test needs the test engine on a unix socket");
      const target = socketPath.endpoint.socketPath;
      server = tls.createServer(
        { ca: pems.ca, cert: pems.server.cert, key: pems.server.key, requestCert: true, rejectUnauthorized: true },
        (incoming) => {
          const upstream = net.connect(target);
          incoming.pipe(upstream).pipe(incoming);
          const close = () => (incoming.destroy(), upstream.destroy());
          incoming.on("error", close);
          upstream.on("error", close);
        },
      );
      server.on("tlsClientError", () => {});
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it("reaches the engine with the client certificate", async () => {
      const docker = dockerClient({ endpoint: `tcp://127.0.0.1:${port}`, tls: pems.client });
      expect(String(await dockerCall(() => docker.ping()))).toBe("OK");
    });

    it("says the TLS handshake failed when the CA did not sign the engine's certificate", async () => {
      const stranger = await certificates("stranger");
      const docker = dockerClient({ endpoint: `tcp://127.0.0.1:${port}`, tls: stranger.client });
      const failure = await dockerCall(() => docker.ping()).catch((error: DockerCallError) => error.failure);
      expect(failure).toMatchObject({ status: 503, reason: "TlsRefused" });
      expect(failure.message).toMatch(/TLS handshake with the engine failed/);
      expect(failure.message).not.toContain("PRIVATE KEY");
    });
  });
});

describe("describeDockerError", () => {
  it("keeps a failure already described", () => {
    const failure = { status: 409, reason: "Conflict" as const, message: "busy" };
    expect(describeDockerError(new DockerCallError(failure))).toBe(failure);
  });
});
