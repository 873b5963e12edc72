import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { ObjectHistory } from "@/components/objects/object-history";
import { YamlExport } from "@/components/objects/yaml-export";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { DomainError } from "@/lib/actions/result";
import { requirePermission } from "@/lib/auth/session";
import { policyDriftReport, policyYaml } from "@/lib/namespace-policies/cluster-view";
import { POLICY_OBJECT_TYPE } from "@/lib/namespace-policies/mutations";
import { isRegexPattern } from "@/lib/namespace-policies/pattern";
import { clusterChoices, findPolicy, toPolicyView } from "@/lib/namespace-policies/queries";
import type { DriftReport } from "@/lib/namespace-policies/schema";
import { can } from "@/lib/permissions";

import { DriftItems } from "../_components/drift-items";
import { ApplyNow, DeletePolicyButton, PolicyForm } from "../_components/policy-forms";
import { restorePolicyAction, updatePolicyAction } from "../actions";

export const metadata: Metadata = { title: "Namespace policy" };

async function driftOf(
  row: NonNullable<ReturnType<typeof findPolicy>>,
  cluster: string,
): Promise<{ report: DriftReport } | { error: string }> {
  try {
    return { report: await policyDriftReport(row, cluster) };
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message };
    throw error;
  }
}

export default async function PolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ cluster?: string }>;
}) {
  const actor = await requirePermission("policies.read");
  const row = findPolicy(decodeURIComponent((await params).id));
  if (!row) notFound();
  const policy = toPolicyView(row);
  const manage = can(actor, "policies.manage");
  const clusters = clusterChoices();
  const chosen = (await searchParams).cluster ?? clusters[0]?.name;
  const drift = chosen ? await driftOf(row, chosen) : undefined;
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {policy.name} <Badge>priority {policy.priority}</Badge> <Badge>pod security {policy.podSecurity}</Badge>{" "}
            <Badge>version {policy.version}</Badge>
          </span>
        }
        description={policy.description || undefined}
        actions={manage ? <DeletePolicyButton policyId={policy.id} name={policy.name} /> : undefined}
      />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <Card
            title="Templates"
            description={
              <>
                Namespaces matching <code className="font-mono">{policy.pattern}</code> (
                {isRegexPattern(policy.pattern) ? "regular expression" : "glob"}, whole name) get these objects.
              </>
            }
          >
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">
                  ResourceQuota berth-quota
                </dt>
                <dd className="mt-1">
                  {policy.resourceQuota ? (
                    <ul aria-label="Quota" className="font-mono text-xs">
                      {Object.entries(policy.resourceQuota.hard).map(([key, value]) => (
                        <li key={key}>
                          {key}: {value}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">LimitRange berth-limits</dt>
                <dd className="mt-1">
                  {policy.limitRange ? (
                    <ul className="font-mono text-xs">
                      {policy.limitRange.limits.map((item) => (
                        <li key={item.type}>
                          {item.type}:{" "}
                          {(["default", "defaultRequest", "min", "max"] as const)
                            .filter((section) => item[section])
                            .map(
                              (section) =>
                                `${section} ${Object.entries(item[section] ?? {})
                                  .map(([key, value]) => `${key}=${value}`)
                                  .join(" ")}`,
                            )
                            .join("; ")}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                </dd>
              </div>
            </dl>
          </Card>

          {manage && (
            <Card
              title="Apply now"
              description="Lists the cluster's matching namespaces with what would change (a dry run), then applies with server-side apply, field manager berth. Audited."
            >
              <ApplyNow
                policyId={policy.id}
                clusters={clusters.map((cluster) => cluster.name)}
                defaultCluster={chosen}
              />
            </Card>
          )}
        </div>

        <Card title="Drift" description="Template against what each matching namespace holds now.">
          {clusters.length > 1 && (
            <form method="get" className="mb-4 flex items-end gap-3" aria-label="Drift cluster">
              <label className="text-sm text-slate-800">
                Cluster{" "}
                <select
                  name="cluster"
                  defaultValue={chosen}
                  className="ml-2 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                >
                  {clusters.map((cluster) => (
                    <option key={cluster.id}>{cluster.name}</option>
                  ))}
                </select>
              </label>
              <button type="submit" className="text-sm text-brand-600 hover:underline">
                Show drift
              </button>
            </form>
          )}
          {!drift ? (
            <p className="text-sm text-slate-500">No cluster is attached.</p>
          ) : "error" in drift ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {drift.error}
            </p>
          ) : drift.report.namespaces.length === 0 ? (
            <p className="text-sm text-slate-500">No namespace of {drift.report.cluster} matches the pattern.</p>
          ) : (
            <Table label={`Drift on ${drift.report.cluster}`}>
              <thead>
                <tr>
                  <Th>Namespace</Th>
                  <Th>State</Th>
                  <Th>Differences</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {drift.report.namespaces.map((namespace) => (
                  <tr key={namespace.namespace}>
                    <Td className="font-mono">{namespace.namespace}</Td>
                    <Td>
                      {namespace.error ? (
                        <Badge tone="red">error</Badge>
                      ) : namespace.inSync ? (
                        <Badge tone="green">in sync</Badge>
                      ) : (
                        <Badge tone="amber">drift</Badge>
                      )}
                    </Td>
                    <Td>
                      {namespace.error ? (
                        <span className="text-red-700">{namespace.error}</span>
                      ) : (
                        <DriftItems items={namespace.drift} empty="—" />
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>

        {manage && (
          <Card title="Settings">
            <PolicyForm
              key={policy.version}
              policy={policy}
              action={updatePolicyAction}
              clusters={clusters.map((cluster) => cluster.name)}
            />
          </Card>
        )}

        <Card
          title="History"
          description="Every saved version and every apply; restoring a version saves it again as a new version."
        >
          <ObjectHistory
            objectType={POLICY_OBJECT_TYPE}
            objectId={policy.id}
            restore={manage ? restorePolicyAction.bind(null, policy.id) : undefined}
          />
        </Card>

        <Card title="YAML">
          <YamlExport
            yaml={policyYaml(row)}
            href={`/api/v1/namespace-policies/${encodeURIComponent(policy.name)}/yaml`}
            filename={`namespace-policy-${policy.name}.yaml`}
          />
        </Card>
      </div>
    </>
  );
}
