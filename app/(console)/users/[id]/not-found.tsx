import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function UserNotFound() {
  return (
    <EmptyState
      title="No such user"
      action={
        <Link href="/users" className="text-sm font-medium text-brand-600 hover:underline">
          All users
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
