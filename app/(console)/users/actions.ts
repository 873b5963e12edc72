"use server";

import { formInput, runServerAction } from "@/lib/actions/server-action";
import { createUser, resetPassword, updateUser } from "@/lib/users/mutations";
import type { FormState } from "@/components/ui/form";

export async function createUserAction(_previous: FormState, formData: FormData) {
  return runServerAction(createUser, formInput(formData, ["groups"]), ["/users", "/groups"]);
}

export async function updateUserAction(_previous: FormState, formData: FormData) {
  return runServerAction(updateUser, formInput(formData), ["/users"]);
}

export async function resetPasswordAction(_previous: FormState, formData: FormData) {
  return runServerAction(resetPassword, formInput(formData), []);
}

export async function setUserDisabledAction(userId: number, disabled: boolean) {
  return runServerAction(updateUser, { user: userId, disabled }, ["/users"]);
}
