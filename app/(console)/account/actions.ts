"use server";

import { formAction } from "@/lib/actions/form-action";
import { runServerAction } from "@/lib/actions/server-action";
import { createToken, revokeToken } from "@/lib/tokens/mutations";

export const createTokenAction = formAction(createToken, { revalidate: ["/account"] });

export async function revokeTokenAction(id: number) {
  return runServerAction(revokeToken, { id }, ["/account"]);
}
