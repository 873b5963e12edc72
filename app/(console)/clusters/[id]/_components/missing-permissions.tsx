import type { PermissionCheck } from "@/lib/clusters/status";

/** What Berth's account on the cluster lacks of what Berth needs, in words, with the feature each serves. */
export function MissingPermissions({ permissions }: { permissions: PermissionCheck }) {
  if (permissions.ok) return null;
  return (
    <section
      aria-label="Missing permissions"
      className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <p className="font-semibold">
        Berth&apos;s account on this cluster lacks{" "}
        {permissions.missing.length === 1 ? "a permission" : `${permissions.missing.length} permissions`} it needs:
      </p>
      <ul className="mt-1 list-disc pl-5">
        {permissions.missing.map((missing) => (
          <li key={`${missing.verb} ${missing.group}/${missing.resource}`}>
            {missing.message} <span className="text-amber-800">Needed for {missing.feature}.</span>
          </li>
        ))}
      </ul>
      <p className="mt-1 text-xs text-amber-800">
        Grant them to the account in the kubeconfig (deploy/clusterrole.yaml lists every rule Berth needs).
      </p>
    </section>
  );
}
