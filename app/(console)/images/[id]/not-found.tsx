import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function BaseImageNotFound() {
  return (
    <EmptyState
      title="No such base image"
      action={
        <Link href="/images" className="text-sm font-medium text-brand-600 hover:underline">
          All base images
        </Link>
      }
    >
      It may have been deleted, or the link is wrong.
    </EmptyState>
  );
}
