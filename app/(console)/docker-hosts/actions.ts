"use server";

import { redirect } from "next/navigation";

import type { FormState } from "@/components/ui/form";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import {
  createDockerHost,
  deleteDockerHost,
  setDockerHostGrants,
  updateDockerHost,
} from "@/lib/docker-hosts/mutations";
import { CLUSTER_LEVELS, type ClusterLevel } from "@/lib/permissions";

const DOCKER_HOST_PAGES = ["/docker-hosts"];

/** The form's `tls.ca`/`tls.cert`/`tls.key` fields as the API's `tls` object; all empty means no TLS. */
function nestTls(input: Record<string, unknown>): Record<string, unknown> {
  const { "tls.ca": ca, "tls.cert": cert, "tls.key": key, ...rest } = input;
  const given = [ca, cert, key].some((value) => typeof value === "string" && value.trim() !== "");
  return given ? { ...rest, tls: { ca: ca ?? "", cert: cert ?? "", key: key ?? "" } } : rest;
}

export async function createDockerHostAction(_previous: FormState, formData: FormData) {
  const result = await runServerAction(createDockerHost, nestTls(formInput(formData)), DOCKER_HOST_PAGES);
  if (!result.ok) return result;
  redirect(`/docker-hosts/${result.data.id}`);
}

export async function updateDockerHostAction(_previous: FormState, formData: FormData) {
  return runServerAction(updateDockerHost, nestTls(formInput(formData)), DOCKER_HOST_PAGES);
}

export async function deleteDockerHostAction(dockerHost: number) {
  const result = await runServerAction(deleteDockerHost, { dockerHost }, DOCKER_HOST_PAGES);
  if (!result.ok) return result;
  redirect("/docker-hosts");
}

/** The grants form has one select per group, named `level:<group>`; an empty choice means no grant. */
export async function setDockerHostGrantsAction(_previous: FormState, formData: FormData) {
  const grants: { group: string; level: ClusterLevel }[] = [];
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("level:") && CLUSTER_LEVELS.includes(value as ClusterLevel))
      grants.push({ group: key.slice("level:".length), level: value as ClusterLevel });
  }
  return runServerAction(
    setDockerHostGrants,
    { dockerHost: String(formData.get("dockerHost") ?? ""), grants, everyone: formData.get("everyone") === "on" },
    DOCKER_HOST_PAGES,
  );
}
