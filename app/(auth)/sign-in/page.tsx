import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { safeCallbackPath } from "@/lib/auth/redirect";
import { currentActor } from "@/lib/auth/session";
import { env } from "@/lib/env";

import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

// A Map, not an object literal: `?error=constructor` must not find Object.prototype's members.
const ERRORS = new Map<string, string>([
  ["CredentialsSignin", "Wrong username or password."],
  ["AccessDenied", "Your account is disabled or was refused by the identity provider."],
  [
    "NameTaken",
    "Your identity provider's user name already belongs to another Berth account. Ask a Berth administrator.",
  ],
  ["SessionRequired", "Sign in to continue."],
]);

/** A repeated query parameter arrives as an array: only a single value counts. */
const single = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }>;
}) {
  if (await currentActor()) redirect("/");
  const query = await searchParams;
  const error = single(query.error);
  const settings = env();
  // Never bounce a user to another origin after sign-in.
  const safeCallback = safeCallbackPath(
    single(query.callbackUrl),
    settings.NEXTAUTH_URL ? [settings.NEXTAUTH_URL] : [],
  );
  return (
    <main className="grid min-h-screen place-items-center bg-slate-900 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-white">
          <span aria-hidden className="grid h-9 w-9 place-items-center rounded-lg bg-brand-500 text-lg font-bold">
            B
          </span>
          <span className="text-2xl font-semibold tracking-tight">Berth</span>
        </div>
        <div className="rounded-xl bg-white p-7 shadow-xl">
          <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 text-sm text-slate-500">Containerized execution for your data-science platform.</p>
          <SignInForm
            callbackUrl={safeCallback}
            initialError={error ? (ERRORS.get(error) ?? "Sign-in failed. Try again.") : undefined}
            oidcName={settings.oidcEnabled ? settings.BERTH_OIDC_NAME : undefined}
          />
        </div>
      </div>
    </main>
  );
}
