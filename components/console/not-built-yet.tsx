import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

/** The honest empty state of an area this version of Berth does not have yet: no fake data. */
export function NotBuiltYet({ title, purpose }: { title: string; purpose: string }) {
  return (
    <>
      <PageHeader title={title} description={purpose} />
      <EmptyState title={`${title} are not available in this version of Berth yet`}>
        <p>Nothing is shown here until the feature exists; no sample data is made up.</p>
      </EmptyState>
    </>
  );
}
