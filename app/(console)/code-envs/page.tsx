import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Code environments" };

export default function Page() {
  return <NotBuiltYet title="Code environments" purpose="Python and R package sets built into images for the execution configs that need them." />;
}
