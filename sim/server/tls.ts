/** A throwaway CA and a server certificate it signs (SAN IP:127.0.0.1, DNS:localhost), made at start. */
import { generate } from "selfsigned";

export interface ServerCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function generateCertificates(extraHosts: string[] = []): Promise<ServerCertificates> {
  const tenYears = new Date(Date.now() + 3650 * 24 * 3600 * 1000);
  const ca = await generate([{ name: "commonName", value: "berth-sim-ca" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate: tenYears,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ipHosts = ["127.0.0.1", ...extraHosts.filter((h) => /^[\d.]+$|:/.test(h))];
  const dnsHosts = ["localhost", ...extraHosts.filter((h) => !/^[\d.]+$|:/.test(h))];
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    ...[...new Set(dnsHosts)].map((value) => ({ type: 2 as const, value })),
    ...[...new Set(ipHosts)].map((ip) => ({ type: 7 as const, ip })),
  ];
  const server = await generate([{ name: "commonName", value: "berth-sim" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate: tenYears,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
