"use client";

import { Button } from "@/components/ui/button";

export default function ConsoleError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="rounded-lg border border-red-200 bg-red-50 p-6">
      <h1 className="text-base font-semibold text-red-900">This page could not be shown</h1>
      <p className="mt-1 text-sm text-red-800">
        Berth hit an unexpected error; it was logged on the server. Try again, or go back.
      </p>
      <Button className="mt-4" variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
