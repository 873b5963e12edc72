import { z } from "zod";

/**
 * Registry credentials of a base image: a username and password (turned into a docker config
 * for the registry host) or a whole docker config JSON. Stored encrypted; never shown again.
 */
export const registryCredentialsFields = {
  username: z
    .string({ error: "Username must be text" })
    .trim()
    .max(255, "Username must be at most 255 characters")
    .default(""),
  password: z
    .string({ error: "Password must be text" })
    .max(4096, "Password must be at most 4096 characters")
    .default(""),
  dockerConfigJson: z
    .string({ error: "Docker config JSON must be text" })
    .trim()
    .max(65_536, "Docker config JSON must be at most 64 KB")
    .default(""),
};

/** Either a username and password, or a docker config JSON; every problem as a field error. */
export function checkRegistryCredentials(
  input: { username: string; password: string; dockerConfigJson: string },
  ctx: z.RefinementCtx,
): void {
  const hasPair = input.username !== "" || input.password !== "";
  if (input.dockerConfigJson !== "") {
    if (hasPair)
      ctx.addIssue({
        code: "custom",
        path: ["dockerConfigJson"],
        message: "Give either a username and password or a docker config JSON, not both",
      });
    const problem = dockerConfigProblem(input.dockerConfigJson);
    if (problem) ctx.addIssue({ code: "custom", path: ["dockerConfigJson"], message: problem });
    return;
  }
  if (input.username === "")
    ctx.addIssue({
      code: "custom",
      path: ["username"],
      message: "Username is required (or paste a docker config JSON)",
    });
  else if (input.username.includes(":"))
    ctx.addIssue({ code: "custom", path: ["username"], message: "Username must not contain ':'" });
  if (input.password === "") ctx.addIssue({ code: "custom", path: ["password"], message: "Password is required" });
}

export const registryCredentialsSchema = z
  .strictObject(registryCredentialsFields)
  .superRefine(checkRegistryCredentials);
export type RegistryCredentialsInput = z.input<typeof registryCredentialsSchema>;
export type RegistryCredentials = z.output<typeof registryCredentialsSchema>;

/** Why a text is not a docker config JSON (`{"auths": {host: {...}}}`), or undefined. */
export function dockerConfigProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "Docker config JSON is not valid JSON";
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (!parsed || typeof parsed !== "object" || !auths || typeof auths !== "object" || Array.isArray(auths)) {
    return 'Docker config JSON must be an object with "auths", such as {"auths": {"registry.example.com": {"auth": "…"}}}';
  }
  return undefined;
}

/** The docker config JSON Kaniko reads, from either form of the credentials; the registry host keys the entry. */
export function dockerConfigFor(registryUrl: string, credentials: RegistryCredentials): string {
  if (credentials.dockerConfigJson) return credentials.dockerConfigJson;
  const host = registryUrl.split("/")[0];
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
  return JSON.stringify({
    auths: { [host]: { username: credentials.username, password: credentials.password, auth } },
  });
}

/** What may be shown of stored credentials: whether there are some, and the login name(s), never the secret. */
export function credentialsSummary(configJson: string | null): { configured: boolean; usernames: string[] } {
  if (!configJson) return { configured: false, usernames: [] };
  try {
    const auths =
      (JSON.parse(configJson) as { auths?: Record<string, { username?: unknown; auth?: unknown }> }).auths ?? {};
    const usernames = Object.values(auths)
      .map((entry) =>
        typeof entry.username === "string"
          ? entry.username
          : typeof entry.auth === "string"
            ? Buffer.from(entry.auth, "base64").toString("utf8").split(":")[0]
            : "",
      )
      .filter(Boolean);
    return { configured: true, usernames };
  } catch {
    return { configured: true, usernames: [] };
  }
}
