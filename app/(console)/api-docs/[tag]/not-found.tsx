import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function ApiTagNotFound() {
  return (
    <EmptyState
      title="No such part of the API"
      action={
        <Link href="/api-docs" className="text-sm font-medium text-brand-600 hover:underline">
          The whole API reference
        </Link>
      }
    >
      The link may be wrong.
    </EmptyState>
  );
}
