"use client";

import { signOut } from "next-auth/react";

/** Signs out, then goes to `target` (see signOutTarget): next-auth's own redirect would name localhost. */
export function SignOutButton({ target }: { target: string }) {
  async function onClick() {
    await signOut({ redirect: false });
    window.location.assign(target);
  }
  return (
    <button type="button" onClick={onClick} className="text-xs text-slate-300 hover:text-white">
      Sign out
    </button>
  );
}
