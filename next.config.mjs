/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addon and Kubernetes client stay out of the server bundle; they load from node_modules.
  serverExternalPackages: ["better-sqlite3", "@kubernetes/client-node"],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with status 403.
  experimental: { authInterrupts: true },
  // Render metadata before the first byte for every client (ours is static, so this costs nothing):
  // otherwise the response starts streaming early and forbidden()/notFound() arrive as HTTP 200.
  htmlLimitedBots: /.*/,
};

export default nextConfig;
