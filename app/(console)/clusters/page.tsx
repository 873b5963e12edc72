import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Clusters" };

export default function Page() {
  return <NotBuiltYet title="Clusters" purpose="Where work runs: attached Kubernetes clusters, their nodes, capacity and health." />;
}
