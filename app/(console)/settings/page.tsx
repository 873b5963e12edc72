import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Settings" };

export default function Page() {
  return <NotBuiltYet title="Settings" purpose="Instance-wide defaults: default execution config, Spark config and cluster." />;
}
