"use server";

import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { createUser, resetPassword, updateUser } from "@/lib/users/mutations";

export const createUserAction = formAction(createUser, {
  revalidate: ["/users", "/groups"],
  read: (formData) => ({ input: formInput(formData, ["groups"]) }),
});

export const updateUserAction = formAction(updateUser, { revalidate: ["/users"] });

export const resetPasswordAction = formAction(resetPassword, { revalidate: [] });

export async function setUserDisabledAction(userId: number, disabled: boolean) {
  return runServerAction(updateUser, { user: userId, disabled }, ["/users"]);
}
