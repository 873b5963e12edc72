import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function GroupNotFound() {
  return (
    <EmptyState
      title="No such group"
      action={
        <Link href="/groups" className="text-sm font-medium text-brand-600 hover:underline">
          All groups
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
