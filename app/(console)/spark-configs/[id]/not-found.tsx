import Link from "next/link";

import { EmptyState } from "@/components/ui/empty-state";

export default function SparkConfigNotFound() {
  return (
    <EmptyState title="Spark config not found">
      It may have been deleted or renamed.{" "}
      <Link href="/spark-configs" className="text-brand-600 hover:underline">
        All Spark configs
      </Link>
    </EmptyState>
  );
}
