import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const actor = await requireActor();
  return (
    <>
      <PageHeader title="Dashboard" description="Running containers, GPU allocation and quota consumption across your clusters." />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Running containers">
          <p className="text-sm text-slate-600">No cluster is attached yet, so there is nothing running to show.</p>
        </Card>
        <Card title="GPU allocation">
          <p className="text-sm text-slate-600">GPU requests and free capacity appear here once a cluster is attached.</p>
        </Card>
        <Card title="Quota consumption">
          <p className="text-sm text-slate-600">ResourceQuota usage per namespace appears here once a cluster is attached.</p>
        </Card>
      </div>
      <p className="mt-6 text-sm text-slate-500">
        Signed in as <span className="font-medium text-slate-700">{actor.username}</span>.{" "}
        <Link href="/account" className="text-brand-600 hover:underline">
          Manage your API tokens
        </Link>
        .
      </p>
    </>
  );
}
