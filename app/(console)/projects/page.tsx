import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Projects" };

export default function Page() {
  return <NotBuiltYet title="Projects" purpose="Per-project overrides of the default execution, Spark and cluster settings." />;
}
