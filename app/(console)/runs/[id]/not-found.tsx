import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function RunNotFound() {
  return (
    <EmptyState
      title="No such run"
      action={
        <Link href="/runs" className="text-sm font-medium text-brand-600 hover:underline">
          All runs
        </Link>
      }
    >
      The link is wrong, the run never existed, or it belongs to a project you may not see.
    </EmptyState>
  );
}
