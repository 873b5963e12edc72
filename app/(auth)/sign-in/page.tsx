import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong username or password.",
  AccessDenied: "Your account is disabled or was refused by the identity provider.",
  SessionRequired: "Sign in to continue.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await currentActor()) redirect("/");
  const { callbackUrl, error } = await searchParams;
  const settings = env();
  // Only same-site paths: never bounce a user to another origin after sign-in.
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="grid min-h-screen place-items-center bg-slate-900 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-white">
          <span aria-hidden className="grid h-9 w-9 place-items-center rounded-lg bg-brand-500 text-lg font-bold">B</span>
          <span className="text-2xl font-semibold tracking-tight">Berth</span>
        </div>
        <div className="rounded-xl bg-white p-7 shadow-xl">
          <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 text-sm text-slate-500">Containerized execution for your data-science platform.</p>
          <SignInForm
            callbackUrl={safeCallback}
            initialError={error ? (ERRORS[error] ?? "Sign-in failed. Try again.") : undefined}
            oidcName={settings.oidcEnabled ? settings.BERTH_OIDC_NAME : undefined}
          />
        </div>
      </div>
    </main>
  );
}
