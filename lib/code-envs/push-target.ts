import { parseImageReference } from "@/lib/images/reference";
import type { RegistryTarget } from "@/lib/images/schema";

import { codeEnvInputsHash } from "./dockerfile";

/** Where a code env's image for one base reference is pushed, or why it has nowhere to go. */
export type PushTarget = { image: string } | { problem: string };

/**
 * The reference a code env's image is pushed to, tagged `ce-<env>-<12 hex>`. Never the base
 * image's upstream repository (`pytorch/pytorch:ce-…` would be Docker Hub's): the image goes to
 * - the repository of the base image built in Berth it starts from, whose registry Berth pushes
 *   to already (with that base image's credentials), else
 * - the registry of the configs it is built for: the base repository's path under that registry.
 * With neither there is no registry to push to.
 */
export function codeEnvPushTarget(
  env: { name: string } & Parameters<typeof codeEnvInputsHash>[0],
  baseRef: string,
  where: {
    berthBase?: { registry: RegistryTarget };
    configs: { kind: "execution" | "spark"; name: string; registry: string }[];
  },
): PushTarget {
  const parsed = parseImageReference(baseRef);
  if (typeof parsed === "string") return { problem: `The base image reference ${baseRef} ${parsed}` };
  const tag = `ce-${env.name}-${codeEnvInputsHash(env, baseRef).slice(0, 12)}`;
  if (where.berthBase)
    return { image: `${where.berthBase.registry.url}/${where.berthBase.registry.repository}:${tag}` };
  const registry = where.configs.find((config) => config.registry)?.registry;
  if (registry) {
    const repository = parsed.domain ? `${parsed.domain}/${parsed.path}` : parsed.path;
    // A base already pulled from the config's registry keeps its repository there.
    const inRegistry = repository.startsWith(`${registry}/`) ? repository : `${registry}/${parsed.path}`;
    return { image: `${inRegistry}:${tag}` };
  }
  const configs = where.configs
    .map((config) => `${config.kind === "spark" ? "Spark config" : "execution config"} ${config.name}`)
    .join(" or ");
  return {
    problem: `No registry to push this image to: set the registry of ${configs}, or run it on a base image built in Berth`,
  };
}
