import { describe, expect, it } from "vitest";

import { credentialsSummary, dockerConfigFor, registryCredentialsSchema } from "./credentials";

describe("registry credentials", () => {
  it("turns a username and password into a docker config for the registry host, summarised without the secret", () => {
    const credentials = registryCredentialsSchema.parse({ username: "robot", password: "pa:ss" });
    const config = dockerConfigFor("registry.example.com:5000/team", credentials);
    expect(JSON.parse(config)).toEqual({
      auths: {
        "registry.example.com:5000": {
          username: "robot",
          password: "pa:ss",
          auth: Buffer.from("robot:pa:ss").toString("base64"),
        },
      },
    });
    expect(credentialsSummary(config)).toEqual({ configured: true, usernames: ["robot"] });
    expect(JSON.stringify(credentialsSummary(config))).not.toContain("pa:ss");
    expect(credentialsSummary(null)).toEqual({ configured: false, usernames: [] });
  });

  it("takes a docker config JSON as it is, and refuses mixes and malformed input with field errors", () => {
    const json = '{"auths":{"ghcr.io":{"auth":"' + Buffer.from("bot:tok").toString("base64") + '"}}}';
    expect(dockerConfigFor("ghcr.io/x", registryCredentialsSchema.parse({ dockerConfigJson: json }))).toBe(json);
    expect(credentialsSummary(json).usernames).toEqual(["bot"]);
    const issues = (input: unknown) =>
      registryCredentialsSchema
        .safeParse(input)
        .error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(issues({})).toEqual([
      "username: Username is required (or paste a docker config JSON)",
      "password: Password is required",
    ]);
    expect(issues({ username: "a:b", password: "x" })).toEqual(["username: Username must not contain ':'"]);
    expect(issues({ dockerConfigJson: "{" })).toEqual(["dockerConfigJson: Docker config JSON is not valid JSON"]);
    expect(issues({ username: "a", dockerConfigJson: '{"auths":{}}' })).toEqual([
      "dockerConfigJson: Give either a username and password or a docker config JSON, not both",
    ]);
  });
});
