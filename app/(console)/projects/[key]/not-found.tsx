import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function ProjectNotFound() {
  return (
    <EmptyState
      title="No such project"
      action={
        <Link href="/projects" className="text-sm font-medium text-brand-600 hover:underline">
          All projects
        </Link>
      }
    >
      It may have been deleted, the link is wrong, or none of your groups is a member.
    </EmptyState>
  );
}
