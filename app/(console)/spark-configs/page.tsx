import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Spark configs" };

export default function Page() {
  return <NotBuiltYet title="Spark configs" purpose="Spark on Kubernetes: spark conf, managed namespaces and per-job service accounts, executor pod templates." />;
}
