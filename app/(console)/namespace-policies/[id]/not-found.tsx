import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function PolicyNotFound() {
  return (
    <EmptyState title="Namespace policy not found">
      It may have been deleted.{" "}
      <Link href="/namespace-policies" className="text-brand-600 hover:underline">
        All namespace policies
      </Link>
    </EmptyState>
  );
}
