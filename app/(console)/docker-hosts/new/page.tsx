import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";

import { AttachDockerHostForm } from "../_components/docker-host-forms";

export const metadata: Metadata = { title: "Attach Docker host" };

export default async function AttachDockerHostPage() {
  await requirePermission("dockerHosts.create");
  return (
    <>
      <PageHeader
        title="Attach Docker host"
        description="Give the Docker Engine API endpoint Berth should run containers through. Docker and podman's Docker-compatible service both work."
      />
      <Card>
        <AttachDockerHostForm />
      </Card>
    </>
  );
}
