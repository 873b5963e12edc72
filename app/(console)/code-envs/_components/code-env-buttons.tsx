"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

import { BuildTargetSelect, CLUSTER_TARGET } from "@/components/images/build-target-select";
import { useEventSource } from "@/components/live/use-event-source";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";

import { deleteCodeEnvAction } from "../actions";

type BuildAnswer = { ok: true; message: string } | { ok: false; error: string };

/**
 * A button that queues builds through a server action and says what it did. With `dockerHosts`, a
 * select beside it sends the builds to one of those hosts instead of the cluster.
 */
export function BuildButton({
  label,
  action,
  variant = "primary",
  dockerHosts = [],
}: {
  label: string;
  action: (dockerHost?: string) => Promise<BuildAnswer>;
  variant?: ButtonVariant;
  dockerHosts?: string[];
}) {
  const router = useRouter();
  const [answer, setAnswer] = useState<BuildAnswer | null>(null);
  const [target, setTarget] = useState(CLUSTER_TARGET);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <BuildTargetSelect dockerHosts={dockerHosts} value={target} onChange={setTarget} disabled={pending} />
      <Button
        variant={variant}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setAnswer(await action(target === CLUSTER_TARGET ? undefined : target));
            router.refresh();
          })
        }
      >
        {pending ? "Queueing…" : label}
      </Button>
      {answer && (
        <span
          role={answer.ok ? "status" : "alert"}
          className={`text-sm ${answer.ok ? "text-emerald-700" : "text-red-700"}`}
        >
          {answer.ok ? answer.message : answer.error}
        </span>
      )}
    </span>
  );
}

/**
 * While builds are queued or running, listens to build status changes pushed by the server and
 * re-renders the page when one arrives (debounced), so statuses move on their own without polling.
 */
export function RefreshWhileBuilding({ active }: { active: boolean }) {
  const router = useRouter();
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // A refresh still pending when the builds end (or the page goes) is dropped with the stream.
  useEffect(() => () => clearTimeout(pending.current), [active]);
  useEventSource(active ? "/api/stream/image-builds" : null, {
    build: () => {
      clearTimeout(pending.current);
      pending.current = setTimeout(() => router.refresh(), 250);
    },
  });
  return null;
}

export function DeleteCodeEnvButton({ codeEnv, name }: { codeEnv: number; name: string }) {
  return (
    <ConfirmButton
      label="Delete"
      size="md"
      title={`Delete ${name}?`}
      confirmLabel="Delete code env"
      onConfirm={() => deleteCodeEnvAction(codeEnv)}
    >
      Its images stay in the registry; its build records remain in the build list. Refused while a build of it is in
      progress. This cannot be undone.
    </ConfirmButton>
  );
}
