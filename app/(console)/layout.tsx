import Link from "next/link";

import { Providers } from "@/components/console/providers";
import { Sidebar } from "@/components/console/sidebar";
import { SignOutButton } from "@/components/console/sign-out-button";
import { signOutTarget } from "@/lib/auth/redirect";
import { requireActor } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { NAVIGATION } from "@/lib/navigation";
import { can } from "@/lib/permissions";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  const sections = NAVIGATION.map((section) => ({
    ...section,
    items: section.items.filter((item) => !item.permission || can(actor, item.permission)),
  })).filter((section) => section.items.length > 0);

  return (
    <div className="flex min-h-screen">
      {/* The dark column spans the whole page; its content stays in view while the page scrolls. */}
      <aside className="w-56 shrink-0 bg-slate-900">
        <div className="sticky top-0 flex h-screen flex-col">
          <Link href="/" className="flex items-center gap-2 px-5 py-4 text-white">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-brand-500 text-sm font-bold">
              B
            </span>
            <span className="text-base font-semibold tracking-tight">Berth</span>
          </Link>
          <Sidebar sections={sections} />
          <div className="border-t border-white/10 px-5 py-3">
            <Link href="/account" className="block truncate text-sm font-medium text-white hover:underline">
              {actor.username}
            </Link>
            <div className="mt-0.5 flex items-center justify-between">
              <span className="text-xs text-slate-400">{actor.role}</span>
              <SignOutButton target={signOutTarget(env().NEXTAUTH_URL)} />
            </div>
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-7">
        <Providers>{children}</Providers>
      </main>
    </div>
  );
}
