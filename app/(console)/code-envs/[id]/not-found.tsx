import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function CodeEnvNotFound() {
  return (
    <EmptyState
      title="No such code env"
      action={
        <Link href="/code-envs" className="text-sm font-medium text-brand-600 hover:underline">
          All code environments
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
