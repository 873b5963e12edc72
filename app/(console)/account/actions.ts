"use server";

import type { FormState } from "@/components/ui/form";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { createToken, revokeToken } from "@/lib/tokens/mutations";

export async function createTokenAction(_previous: FormState, formData: FormData) {
  return runServerAction(createToken, formInput(formData), ["/account"]);
}

export async function revokeTokenAction(id: number) {
  return runServerAction(revokeToken, { id }, ["/account"]);
}
