"use client";

import type { SelectHTMLAttributes } from "react";

/** A select that submits its form as soon as a choice is made (a filter that needs no extra click). */
export function AutoSubmitSelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} onChange={(event) => event.currentTarget.form?.requestSubmit()} />;
}
