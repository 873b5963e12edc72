import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function DockerHostNotFound() {
  return (
    <EmptyState
      title="No such Docker host"
      action={
        <Link href="/docker-hosts" className="text-sm font-medium text-brand-600 hover:underline">
          All Docker hosts
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
