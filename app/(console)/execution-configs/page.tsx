import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Execution configs" };

export default function Page() {
  return <NotBuiltYet title="Execution configs" purpose="How containerized work runs: image, CPU, memory and GPU requests and limits, namespace and quota, registry, and which groups may use each config." />;
}
