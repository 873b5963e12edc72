import type { Metadata } from "next";
import Link from "next/link";

import { YamlImportForm } from "@/components/objects/yaml-import-form";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireActor } from "@/lib/auth/session";
import { listGroups } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";
import { listProjectsFor } from "@/lib/projects/queries";

import { CreateProjectForm } from "./_components/create-project-form";
import { importProjectAction } from "./actions";

export const metadata: Metadata = { title: "Projects" };

const inherit = (value: string | null) => value ?? <span className="text-slate-400">inherit</span>;

export default async function ProjectsPage() {
  const actor = await requireActor();
  const projects = listProjectsFor(actor);
  const create = can(actor, "projects.create");
  return (
    <>
      <PageHeader
        title="Projects"
        description="Each project may set its own execution config, Spark config and cluster, and override them per recipe, notebook or ML task; what it does not set comes from the instance defaults."
      />
      <div className="space-y-6">
        {projects.length === 0 ? (
          <EmptyState title="No projects you can see">
            {create ? "Create one below." : "An administrator adds your groups to projects."}
          </EmptyState>
        ) : (
          <Table label="Projects">
            <thead>
              <tr>
                <Th>Key</Th>
                <Th>Name</Th>
                <Th>Owner group</Th>
                <Th>Execution config</Th>
                <Th>Cluster</Th>
                <Th>Your role</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {projects.map((project) => (
                <tr key={project.id}>
                  <Td>
                    <Link
                      href={`/projects/${encodeURIComponent(project.key)}`}
                      className="font-mono font-medium text-brand-600 hover:underline"
                    >
                      {project.key}
                    </Link>
                  </Td>
                  <Td>{project.name}</Td>
                  <Td>{project.ownerGroup ?? <span className="text-slate-400">—</span>}</Td>
                  <Td>{inherit(project.executionConfig)}</Td>
                  <Td>{inherit(project.cluster)}</Td>
                  <Td>
                    <Badge tone={actor.role === "admin" ? "blue" : "gray"}>
                      {actor.role === "admin" ? "Berth admin" : (actor.projectRoles?.[project.id] ?? "—")}
                    </Badge>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {create && (
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title="New project">
              <CreateProjectForm groups={listGroups().map((group) => group.name)} />
            </Card>
            <Card
              title="Import a project"
              description="A YAML document exported from a project page; an existing key is updated."
            >
              <YamlImportForm action={importProjectAction} label="Import project" successMessage="Project imported." />
            </Card>
          </div>
        )}
      </div>
    </>
  );
}
