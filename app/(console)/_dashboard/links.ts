import type { PodRef } from "@/lib/dashboard/aggregate";

/** Where a pod drills down to: its Berth run when it belongs to one, else the cluster's pod page. */
export function podHref(clusterId: number, pod: PodRef): string {
  if (pod.run) return `/runs/${encodeURIComponent(pod.run)}`;
  return `/clusters/${clusterId}/pods/${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}`;
}

/** The cluster's Settings tab, where its Prometheus URL is set. */
export const clusterSettingsHref = (clusterId: number) => `/clusters/${clusterId}?tab=settings`;
