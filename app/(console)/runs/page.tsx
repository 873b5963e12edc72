import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Runs" };

export default function Page() {
  return <NotBuiltYet title="Runs" purpose="Containerized recipes, notebooks, Spark jobs and ML tasks submitted through Berth, with live status, events and logs." />;
}
