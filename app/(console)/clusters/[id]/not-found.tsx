import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function ClusterNotFound() {
  return (
    <EmptyState
      title="No such cluster"
      action={
        <Link href="/clusters" className="text-sm font-medium text-brand-600 hover:underline">
          All clusters
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
