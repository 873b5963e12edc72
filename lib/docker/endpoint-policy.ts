import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIP } from "node:net";

/**
 * How Berth reaches one Docker Engine API: a `unix:///absolute/path` socket on Berth's own host, or
 * `tcp://host:port` with a TLS client certificate. TLS material is given inline (PEM text), never
 * as file paths, so attaching a host cannot make Berth read its own files.
 */
export type DockerConnection = { endpoint: string; tls?: DockerTls };

/** PEM texts: the CA that signed the engine's certificate, and Berth's client certificate and key. */
export type DockerTls = { ca: string; cert: string; key: string };

/** Where an endpoint points, once it passed the allow-list. */
export type DockerEndpoint = { kind: "unix"; socketPath: string } | { kind: "tcp"; host: string; port: number };

export type DockerEndpointResult = { ok: true; endpoint: DockerEndpoint } | { ok: false; reason: string };

/** One refused part of a connection; `field` is `endpoint` or `tls.ca` / `tls.cert` / `tls.key`. */
export type DockerConnectionProblem = {
  field: "endpoint" | "tls" | "tls.ca" | "tls.cert" | "tls.key";
  message: string;
};

// DNS-1123 host names (dots between labels) as a Docker daemon's --host accepts them.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Checks an endpoint against the allow-list: only `unix:///absolute/path` and `tcp://host:port`.
 * Every other scheme is refused: `ssh://` makes the client run ssh, `http://`/`npipe://`/`fd://`
 * are unencrypted or not sockets Berth can open, and a bare path could be taken as relative.
 */
export function parseDockerEndpoint(endpoint: string): DockerEndpointResult {
  const text = endpoint.trim();
  if (!text)
    return { ok: false, reason: "Give the Docker API endpoint, as unix:///path/to/docker.sock or tcp://host:port." };
  if (/[\u0000-\u001f\u007f\s]/.test(text))
    return { ok: false, reason: "The endpoint must not contain spaces or control characters." };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) {
    return {
      ok: false,
      reason: "The endpoint must start with unix:// (a socket on Berth's host) or tcp:// (an engine reached over TLS).",
    };
  }
  if (scheme === "unix") return parseUnix(text.slice("unix://".length));
  if (scheme === "tcp") return parseTcp(text.slice("tcp://".length));
  if (scheme === "ssh")
    return {
      ok: false,
      reason:
        "ssh:// endpoints are not supported: the Docker client would run the ssh program on Berth's server. Expose the engine on tcp:// with TLS instead.",
    };
  if (scheme === "http" || scheme === "https") {
    return {
      ok: false,
      reason: `${scheme}:// endpoints are not supported: use tcp://host:port and give the TLS certificates, or unix:// for a local socket.`,
    };
  }
  return {
    ok: false,
    reason: `${scheme}:// endpoints are not supported: use unix:///path/to/docker.sock or tcp://host:port.`,
  };
}

function parseUnix(socketPath: string): DockerEndpointResult {
  if (!socketPath.startsWith("/")) {
    return {
      ok: false,
      reason: "A unix:// endpoint needs an absolute socket path, with three slashes: unix:///run/docker.sock.",
    };
  }
  if (/[?#]/.test(socketPath))
    return { ok: false, reason: "A unix:// endpoint is a socket path: it takes no query (?) or fragment (#)." };
  const segments = socketPath.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    return { ok: false, reason: "The socket path must not contain . or .. segments: give the path as it is." };
  }
  if (socketPath.endsWith("/") || socketPath.includes("//"))
    return { ok: false, reason: "The socket path must name a socket file, as in unix:///run/docker.sock." };
  // The kernel keeps socket paths in sun_path (108 bytes with the terminating NUL).
  if (Buffer.byteLength(socketPath) > 107)
    return { ok: false, reason: "The socket path is longer than a Unix socket path can be (107 bytes)." };
  return { ok: true, endpoint: { kind: "unix", socketPath } };
}

function parseTcp(rest: string): DockerEndpointResult {
  const match = /^(\[[0-9a-f:.]+\]|[^:/?#@[\]]+):(\d{1,5})\/?$/i.exec(rest);
  if (!match) {
    if (rest.includes("@"))
      return {
        ok: false,
        reason:
          "A tcp:// endpoint takes no user name or password: Berth authenticates with the TLS client certificate.",
      };
    return {
      ok: false,
      reason: "A tcp:// endpoint is host:port and nothing else, as in tcp://docker.example.com:2376.",
    };
  }
  const [, rawHost, rawPort] = match;
  const port = Number(rawPort);
  if (port < 1 || port > 65535) return { ok: false, reason: "The port must be between 1 and 65535." };
  const host = rawHost.startsWith("[") ? rawHost.slice(1, -1) : rawHost;
  if (rawHost.startsWith("[") ? isIP(host) !== 6 : !(isIP(host) === 4 || HOST_NAME.test(host))) {
    return { ok: false, reason: `"${rawHost}" is not a host name or IP address.` };
  }
  return { ok: true, endpoint: { kind: "tcp", host, port } };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?\r?\n-----END \1-----/g;
const LOOKS_LIKE_PATH = /^(\/|~|\.{1,2}\/|[a-z]:\\|file:)/i;

/** The PEM blocks' labels in a text, or a reason it is not PEM. */
function pemLabels(text: string, what: string): { labels: string[] } | { reason: string } {
  const trimmed = text.trim();
  if (!trimmed) return { reason: `Paste the ${what} (PEM text).` };
  if (LOOKS_LIKE_PATH.test(trimmed) && !trimmed.includes("-----BEGIN")) {
    return {
      reason: `The ${what} looks like a file path: Berth never reads files from its server. Paste the file's content (the PEM text) instead.`,
    };
  }
  const blocks = [...trimmed.matchAll(PEM_BLOCK)];
  const leftover = trimmed.replace(PEM_BLOCK, "").trim();
  if (!blocks.length || leftover)
    return {
      reason: `The ${what} is not PEM text: it must be one or more -----BEGIN …----- / -----END …----- blocks and nothing else.`,
    };
  return { labels: blocks.map((block) => block[1]) };
}

/**
 * Checks TLS material: the CA is one or more certificates, the client certificate a certificate
 * whose public key matches the key, and the key an unencrypted private key (Berth has no one to
 * ask for a passphrase).
 */
export function vetDockerTls(tls: DockerTls): DockerConnectionProblem[] {
  const problems: DockerConnectionProblem[] = [];
  const ca = pemLabels(tls.ca, "CA certificate");
  if ("reason" in ca) problems.push({ field: "tls.ca", message: ca.reason });
  else if (ca.labels.some((label) => label !== "CERTIFICATE"))
    problems.push({ field: "tls.ca", message: "The CA certificate must contain only CERTIFICATE blocks." });
  else if (!parsesAsCertificates(tls.ca))
    problems.push({ field: "tls.ca", message: "The CA certificate is not a valid X.509 certificate." });

  const cert = pemLabels(tls.cert, "client certificate");
  let certificate: X509Certificate | undefined;
  if ("reason" in cert) problems.push({ field: "tls.cert", message: cert.reason });
  else if (cert.labels[0] !== "CERTIFICATE")
    problems.push({ field: "tls.cert", message: "The client certificate must start with a CERTIFICATE block." });
  else {
    try {
      certificate = new X509Certificate(tls.cert);
    } catch {
      problems.push({ field: "tls.cert", message: "The client certificate is not a valid X.509 certificate." });
    }
  }

  const key = pemLabels(tls.key, "client key");
  if ("reason" in key) problems.push({ field: "tls.key", message: key.reason });
  else if (key.labels.length !== 1)
    problems.push({ field: "tls.key", message: "The client key must be exactly one private key block." });
  else if (key.labels[0] === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(tls.key)) {
    problems.push({
      field: "tls.key",
      message: "The client key is encrypted with a passphrase: give it unencrypted (it is stored encrypted).",
    });
  } else if (!/PRIVATE KEY$/.test(key.labels[0]))
    problems.push({ field: "tls.key", message: "The client key must be a PRIVATE KEY block." });
  else {
    try {
      const privateKey = createPrivateKey(tls.key);
      if (certificate && !certificate.checkPrivateKey(privateKey))
        problems.push({ field: "tls.key", message: "The client key does not belong to the client certificate." });
    } catch {
      problems.push({ field: "tls.key", message: "The client key is not a valid private key." });
    }
  }
  return problems;
}

function parsesAsCertificates(text: string): boolean {
  try {
    for (const block of text.trim().match(PEM_BLOCK) ?? []) new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}

/** Every problem with a connection: the endpoint, whether TLS fits its scheme, the TLS material. */
export function vetDockerConnection(connection: DockerConnection): DockerConnectionProblem[] {
  const parsed = parseDockerEndpoint(connection.endpoint);
  if (!parsed.ok) return [{ field: "endpoint", message: parsed.reason }];
  if (parsed.endpoint.kind === "tcp" && !connection.tls) {
    return [
      {
        field: "tls",
        message:
          "A tcp:// endpoint needs TLS (CA, client certificate and key): an engine's API without it lets anyone on the network run containers as root.",
      },
    ];
  }
  if (parsed.endpoint.kind === "unix" && connection.tls) {
    return [{ field: "tls", message: "TLS applies only to tcp:// endpoints: leave it empty for a unix:// socket." }];
  }
  return connection.tls ? vetDockerTls(connection.tls) : [];
}

/** A connection the allow-list refused; `problems` say what and where. */
export class UnusableDockerConnection extends Error {
  constructor(readonly problems: DockerConnectionProblem[]) {
    super(problems.map((problem) => problem.message).join(" "));
    this.name = "UnusableDockerConnection";
  }
}
