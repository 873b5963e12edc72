// Next's App Router hydrates every page with inline scripts. Nonces would allow only those, but
// they need a proxy on every request and force every page to render per request, static ones
// included; so scripts are limited to this origin, and framing, plugins, foreign forms, <base>
// and connections elsewhere are refused. React needs eval() only in development.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Sent with every page, API response and static file. */
const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Console URLs name projects, runs and clusters: other sites learn nothing from a link.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // `npm run build:standalone` (the container image's file tree) asks for the self-contained server;
  // a plain build does not, so `next start` keeps working without a warning on the same .next.
  ...(process.env.BERTH_STANDALONE_BUILD === "1"
    ? {
        output: "standalone",
        // Out of the image: the image optimizer's libvips (about 20 MB; no page uses next/image), and
        // the default data dir, which tracing finds through BERTH_DATA_DIR's default and which holds
        // the local database and secrets.
        outputFileTracingExcludes: { "*": ["node_modules/sharp/**", "node_modules/@img/**", "data/**"] },
      }
    : {}),
  // Native addon and the Kubernetes and Docker clients stay out of the server bundle; they load from
  // node_modules (dockerode pulls in ssh2's optional native code, which a bundler cannot resolve).
  serverExternalPackages: ["better-sqlite3", "@kubernetes/client-node", "dockerode"],
  poweredByHeader: false,
  experimental: {
    // forbidden() renders app/forbidden.tsx with status 403.
    authInterrupts: true,
    // Regenerated pages stay in memory instead of being written under .next: the image's root
    // filesystem is read-only, and nothing here is worth keeping across restarts.
    isrFlushToDisk: false,
  },
  // Render metadata before the first byte for every client (ours is static, so this costs nothing):
  // otherwise the response starts streaming early and forbidden()/notFound() arrive as HTTP 200.
  htmlLimitedBots: /.*/,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
