import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="grid min-h-screen place-items-center px-6">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-brand-600">403</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">You may not open this page</h1>
        <p className="mt-2 text-sm text-slate-600">
          Your account does not have the permission it needs. An admin can grant it.
        </p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
