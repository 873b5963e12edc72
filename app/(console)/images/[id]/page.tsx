import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ObjectHistory } from "@/components/objects/object-history";
import { YamlExport } from "@/components/objects/yaml-export";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Facts, none } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listReadableDockerHosts } from "@/lib/docker-hosts/reads";
import { formatDateTime } from "@/lib/format";
import {
  BASE_IMAGE_OBJECT_TYPE,
  baseImageDockerfileOf,
  baseImageRevisions,
  baseImageYaml,
  findBaseImage,
  toBaseImageView,
} from "@/lib/images/queries";
import { formatDuration } from "@/lib/images/revision";
import { can } from "@/lib/permissions";

import { BuildStatusBadge, RevisionBadge } from "../_components/build-status";
import {
  ActionButton,
  BuildBaseImageButton,
  DeleteBaseImageButton,
  RegistryCredentialsForm,
} from "../_components/image-buttons";
import {
  buildBaseImageAction,
  clearRegistryCredentialsAction,
  deleteBaseImageAction,
  markBuildCurrentAction,
  restoreBaseImageAction,
  setRegistryCredentialsAction,
} from "../actions";

export const metadata: Metadata = { title: "Base image" };

const mono = (text: string) => <span className="font-mono text-xs">{text}</span>;

export default async function BaseImagePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("images.read");
  const row = findBaseImage(decodeURIComponent((await params).id));
  if (!row) notFound();
  const manage = can(actor, "images.manage");
  const image = toBaseImageView(row);
  const revisions = baseImageRevisions(row);
  const href = `/images/${encodeURIComponent(row.name)}`;
  const fragments = [image.dockerfileStart ? "at start" : null, image.dockerfileEnd ? "at end" : null]
    .filter(Boolean)
    .join(", ");

  return (
    <>
      <PageHeader
        title={image.name}
        description={image.description || undefined}
        actions={
          manage ? (
            <>
              <BuildBaseImageButton
                dockerHosts={listReadableDockerHosts(actor).map((host) => host.name)}
                build={buildBaseImageAction.bind(null, row.id)}
              />
              <Link href={`${href}/edit`} className={buttonClasses("secondary")}>
                Edit
              </Link>
              <DeleteBaseImageButton name={row.name} remove={deleteBaseImageAction.bind(null, row.id)} />
            </>
          ) : undefined
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Definition" description={`Version ${image.version}, saved ${formatDateTime(image.updatedAt)}`}>
          <Facts
            items={[
              [
                "Starting image",
                image.fromImage ? (
                  mono(image.fromImage)
                ) : (
                  <span>default {image.cuda ? "(nvidia/cuda)" : "(slim Python)"}</span>
                ),
              ],
              ["Python", image.pythonVersions.join(", ") || "default"],
              ["R", image.r ? "yes" : "no"],
              ["CUDA", image.cuda ? image.cuda.version : "no"],
              ["System packages", image.systemPackages.length ? mono(image.systemPackages.join(" ")) : none],
              ["Fragments", fragments || none],
              [
                "Build arguments",
                Object.keys(image.buildArgs).length ? mono(Object.keys(image.buildArgs).join(", ")) : none,
              ],
              ["Pushed to", mono(image.image)],
              [
                "Built on",
                image.buildCluster ? (
                  `${image.buildCluster}${image.cluster ? "" : " (instance default)"}`
                ) : (
                  <span className="text-red-700">no cluster can build it</span>
                ),
              ],
            ]}
          />
        </Card>
        <Card
          title="Current revision"
          description="The build code environments and runs use. A successful first build becomes current; any pushed build can be made current."
        >
          <div className="space-y-3 text-sm">
            <RevisionBadge state={image.revisionState} />
            {image.currentBuild ? (
              <Facts
                items={[
                  [
                    "Build",
                    <Link
                      key="b"
                      href={`/image-builds/${image.currentBuild.id}`}
                      className="text-brand-600 hover:underline"
                    >
                      #{image.currentBuild.id}
                    </Link>,
                  ],
                  ["Image", mono(image.currentBuild.image)],
                  ["Digest", image.currentBuild.digest ? mono(image.currentBuild.digest) : none],
                ]}
              />
            ) : (
              <p className="text-slate-500">No build is current yet.</p>
            )}
            {image.revisionState === "rebuild-needed" && (
              <p className="text-amber-800">
                An input changed since the current revision was built: build again to pick it up.
              </p>
            )}
          </div>
        </Card>
        <Card
          title="Dockerfile preview"
          description="The exact Dockerfile the next build uses."
          className="lg:col-span-2"
        >
          <pre
            aria-label="Dockerfile preview"
            className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
          >
            {baseImageDockerfileOf(row)}
          </pre>
        </Card>
        <Card title="Revisions" description="Every build of this base image, newest first." className="lg:col-span-2">
          {revisions.length === 0 ? (
            <p className="text-sm text-slate-500">Not built yet.</p>
          ) : (
            <Table label="Revisions">
              <thead>
                <tr>
                  <Th>Build</Th>
                  <Th>Status</Th>
                  <Th>Image / digest</Th>
                  <Th>Started by</Th>
                  <Th>Duration</Th>
                  <Th>
                    <span className="sr-only">Current</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {revisions.map((build) => (
                  <tr key={build.id}>
                    <Td>
                      <Link href={`/image-builds/${build.id}`} className="text-brand-600 hover:underline">
                        #{build.id}
                      </Link>
                      <p className="text-xs text-slate-500">{formatDateTime(build.queuedAt)}</p>
                    </Td>
                    <Td>
                      <BuildStatusBadge status={build.status} />
                    </Td>
                    <Td>
                      {mono(build.image)}
                      {build.digest && <p className="font-mono text-[11px] text-slate-500">{build.digest}</p>}
                    </Td>
                    <Td>{build.startedBy ?? none}</Td>
                    <Td>{formatDuration(build.durationMs)}</Td>
                    <Td>
                      {image.currentBuild?.id === build.id ? (
                        <span className="text-xs font-medium text-emerald-700">current</span>
                      ) : manage && build.status === "pushed" ? (
                        <ActionButton
                          label="Mark current"
                          variant="secondary"
                          size="sm"
                          run={markBuildCurrentAction.bind(null, row.id, build.id)}
                        />
                      ) : null}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        {manage && (
          <Card
            title="Registry credentials"
            description={
              image.registryCredentials.configured
                ? `Stored, encrypted${image.registryCredentials.usernames.length ? ` (login ${image.registryCredentials.usernames.join(", ")})` : ""}. Saving replaces them; they are never shown again.`
                : "None: builds push without logging in. Stored encrypted and never shown again."
            }
            actions={
              image.registryCredentials.configured ? (
                <ActionButton
                  label="Remove"
                  variant="secondary"
                  size="sm"
                  run={clearRegistryCredentialsAction.bind(null, row.id)}
                />
              ) : undefined
            }
          >
            <RegistryCredentialsForm save={setRegistryCredentialsAction.bind(null, row.id)} />
          </Card>
        )}
        <Card
          title="YAML"
          description="Export to keep it in Git or copy it to another Berth; import it on the images page. Credentials are not included."
        >
          <YamlExport
            yaml={baseImageYaml(row)}
            href={`/api/v1/base-images/${encodeURIComponent(row.name)}/yaml`}
            filename={`${row.name}.yaml`}
          />
        </Card>
        <Card
          title="History"
          description="Every saved version and build started, newest first."
          className="lg:col-span-2"
        >
          <ObjectHistory
            objectType={BASE_IMAGE_OBJECT_TYPE}
            objectId={row.id}
            restore={manage ? restoreBaseImageAction.bind(null, row.id) : undefined}
          />
        </Card>
      </div>
    </>
  );
}
