import net from "node:net";

/**
 * A TCP port free right now on 127.0.0.1, for a server that takes no port 0 (Prometheus) or whose
 * port must be known before it starts; nothing holds it, so another process may take it first.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
