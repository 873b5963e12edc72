import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function ImageBuildNotFound() {
  return (
    <EmptyState
      title="No such build"
      action={
        <Link href="/image-builds" className="text-sm font-medium text-brand-600 hover:underline">
          All builds
        </Link>
      }
    >
      The link is wrong, or the build never existed.
    </EmptyState>
  );
}
