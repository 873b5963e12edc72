"use server";

import type { FormState } from "@/components/ui/form";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { updateSettings } from "@/lib/settings/mutations";

export async function updateSettingsAction(_previous: FormState, formData: FormData) {
  return runServerAction(updateSettings, formInput(formData), ["/settings", "/projects"]);
}
