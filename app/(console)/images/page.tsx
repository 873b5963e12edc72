import type { Metadata } from "next";
import { NotBuiltYet } from "@/components/console/not-built-yet";

export const metadata: Metadata = { title: "Images" };

export default function Page() {
  return <NotBuiltYet title="Images" purpose="Base images with R and CUDA support, built inside the cluster with live logs." />;
}
