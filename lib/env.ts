import "server-only";

import path from "node:path";
import { z } from "zod";

const optional = z.string().trim().min(1).optional().catch(undefined);

const envSchema = z.object({
  BERTH_DATA_DIR: z.string().default("./data"),
  PORT: z.coerce.number().int().positive().default(3000),
  NEXTAUTH_URL: optional,
  NEXTAUTH_SECRET: optional,
  BERTH_ADMIN_PASSWORD: optional,
  BERTH_BOOTSTRAP_TOKEN: optional,
  BERTH_SESSION_MAX_AGE: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 60 * 60),
  BERTH_OIDC_ISSUER: optional,
  BERTH_OIDC_CLIENT_ID: optional,
  BERTH_OIDC_CLIENT_SECRET: optional,
  BERTH_OIDC_GROUPS_CLAIM: z.string().default("groups"),
  BERTH_OIDC_NAME: z.string().default("Single sign-on"),
  /** Set by the kubelet in every container: Berth runs in a pod and may register that cluster as "in-cluster". */
  KUBERNETES_SERVICE_HOST: optional,
  KUBERNETES_SERVICE_PORT: optional,
  /** Where the pod's ServiceAccount token, ca.crt and namespace are (tests point it elsewhere). */
  BERTH_SERVICE_ACCOUNT_DIR: z.string().trim().min(1).default("/var/run/secrets/kubernetes.io/serviceaccount"),
  /** "off": do not register the cluster Berth's pod runs in (e.g. a CI runner that is itself a pod). */
  BERTH_IN_CLUSTER: z.enum(["auto", "off"], { error: 'BERTH_IN_CLUSTER must be "auto" or "off"' }).default("auto"),
  /** Key for secrets at rest; when absent one is generated into the data dir. */
  BERTH_SECRET_KEY: optional,
  /**
   * How long a SparkApplication may go without a status before its run ends as "the Spark
   * operator is not handling namespace X" (an operator acts only in its job namespaces).
   */
  BERTH_SPARK_OPERATOR_GRACE_SECONDS: z.coerce.number().positive().default(30),
  /**
   * How long a stop (SIGTERM) may take to finish the requests in flight before Berth exits anyway:
   * below Kubernetes' default terminationGracePeriodSeconds (30), so Berth ends before the SIGKILL.
   */
  BERTH_SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(25),
  /**
   * How many reverse proxies in front of Berth append to X-Forwarded-For ("off" or 0: none, the
   * header is ignored). Sign-in throttling and audit rows use the address the outermost one saw.
   */
  BERTH_TRUST_PROXY: z
    .string()
    .trim()
    .default("off")
    .transform((value, ctx) => {
      if (["", "off", "false", "0"].includes(value.toLowerCase())) return 0;
      if (/^[1-9]\d?$/.test(value)) return Number(value);
      ctx.addIssue({ code: "custom", message: 'BERTH_TRUST_PROXY must be "off" or the number of proxies (1-99)' });
      return z.NEVER;
    }),
});

export type Env = z.infer<typeof envSchema> & { dataDir: string; oidcEnabled: boolean };

let parsed: Env | undefined;

/** The environment, parsed once. The only reader of process.env in the console. */
export function env(): Env {
  if (!parsed) {
    const values = envSchema.parse(process.env);
    parsed = {
      ...values,
      dataDir: path.resolve(values.BERTH_DATA_DIR),
      oidcEnabled: Boolean(values.BERTH_OIDC_ISSUER && values.BERTH_OIDC_CLIENT_ID && values.BERTH_OIDC_CLIENT_SECRET),
    };
  }
  return parsed;
}
