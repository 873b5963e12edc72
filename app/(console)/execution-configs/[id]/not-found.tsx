import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function ExecutionConfigNotFound() {
  return (
    <EmptyState
      title="No such execution config"
      action={
        <Link href="/execution-configs" className="text-sm font-medium text-brand-600 hover:underline">
          All execution configs
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
