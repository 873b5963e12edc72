"use client";

import { useState, useTransition } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ExecutionConfigTestResult } from "@/lib/execution-configs/cluster-actions";

const TONES = {
  succeeded: "green",
  failed: "red",
  unschedulable: "amber",
  refused: "red",
  "pull-failed": "red",
  timeout: "amber",
} as const;

/** "Test": starts a short pod with the config and shows what happened (takes up to ~20 s). */
export function TestConfig({
  test,
}: {
  test: () => Promise<{ ok: true; data: ExecutionConfigTestResult } | { ok: false; error: string }>;
}) {
  const [result, setResult] = useState<Awaited<ReturnType<typeof test>> | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() => startTransition(async () => setResult(await test()))}
      >
        {pending ? "Testing… (up to 20 s)" : "Run test pod"}
      </Button>
      {result && !result.ok && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {result.error}
        </p>
      )}
      {result?.ok && (
        <section aria-label="Test result" className="space-y-2 text-sm">
          <p className="flex flex-wrap items-center gap-2">
            <Badge tone={TONES[result.data.outcome]}>{result.data.outcome}</Badge>
            <span className="text-slate-500">
              pod {result.data.pod} in {result.data.cluster}/{result.data.namespace}
            </span>
          </p>
          <p className="break-words text-slate-800">{result.data.reason}</p>
          <ul aria-label="Steps" className="flex flex-wrap gap-x-4 text-xs text-slate-600">
            <li>{result.data.steps.scheduled ? `✓ scheduled on ${result.data.steps.node}` : "✗ not scheduled"}</li>
            <li>{result.data.steps.pulled ? "✓ image pulled" : "✗ image not pulled"}</li>
            <li>{result.data.steps.ran ? "✓ ran" : "✗ did not run"}</li>
            {result.data.steps.exitCode !== undefined && <li>exit code {result.data.steps.exitCode}</li>}
          </ul>
          {result.data.events.length > 0 && (
            <details className="text-xs">
              <summary className="cursor-pointer text-slate-600">Events ({result.data.events.length})</summary>
              <ul className="mt-1 space-y-0.5 font-mono">
                {result.data.events.map((event, index) => (
                  <li key={index} className={event.type === "Warning" ? "text-amber-800" : "text-slate-600"}>
                    {event.type} {event.reason}: {event.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
    </div>
  );
}
