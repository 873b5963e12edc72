/**
 * Turns the cluster's terse why (a scheduler message, a quota refusal, a container reason) into
 * a headline and advice a data scientist can act on. The original text is always shown too, so
 * nothing is hidden by the rewording.
 */

export interface QuotaFigure {
  resource: string;
  requested: string;
  used: string;
  limited: string;
}

export interface Explanation {
  /** One line: what is going on. */
  headline: string;
  /** What it means and what to do. */
  advice: string;
  /** The quota numbers of a quota refusal, one row per resource. */
  quota?: QuotaFigure[];
}

export type ExplainedStatus = "queued" | "pending" | "running" | "succeeded" | "failed" | "aborted" | "lost";

/**
 * The quota numbers of a refusal, one row per resource, from the apiserver's text
 * (`requested: a=1,b=2, used: a=3,b=0, limited: a=4,b=2`) or from the run's reason in words
 * (`Over the quota q of namespace n: a: asks 1, 3 in use, limit 4; b: …`).
 */
export function parseQuotaFigures(text: string): QuotaFigure[] | undefined {
  const worded = [...text.matchAll(/([\w./-]+): asks ([^\s,;]+), ([^\s,;]+) in use, limit ([^\s,;]+)/g)];
  if (worded.length > 0)
    return worded.map(([, resource, requested, used, limited]) => ({ resource, requested, used, limited }));
  const part = (label: string) => new RegExp(`${label}: ([^\\s,]+=[^\\s,]+(?:,[^\\s,]+=[^\\s,]+)*)`).exec(text)?.[1];
  const requested = part("requested");
  const used = part("used");
  const limited = part("limited");
  if (!requested || !used || !limited) return undefined;
  const toMap = (list: string) => new Map(list.split(",").map((pair) => pair.split("=") as [string, string]));
  const [usedMap, limitedMap] = [toMap(used), toMap(limited)];
  return [...toMap(requested)].map(([resource, value]) => ({
    resource,
    requested: value,
    used: usedMap.get(resource) ?? "?",
    limited: limitedMap.get(resource) ?? "?",
  }));
}

/** The resources named by "Insufficient X" in a scheduler message. */
function insufficientResources(text: string): string[] {
  return [...new Set([...text.matchAll(/Insufficient ([\w./-]+)/g)].map((match) => match[1]))];
}

/** Why a run is pending, failed or lost, in plain words; undefined when there is nothing to explain. */
export function explainRun(
  status: ExplainedStatus,
  reason: string | null | undefined,
  exitCode?: number | null,
): Explanation | undefined {
  const text = reason ?? "";
  if (/exceeded quota|over the quota|refused by the (namespace )?quota/i.test(text)) {
    const quota = parseQuotaFigures(text);
    const names = quota?.map((figure) => figure.resource).join(", ");
    return {
      headline: `Over the namespace quota${names ? ` (${names})` : ""}`,
      advice: quota
        ? `The run asks for more than is left in its namespace's ResourceQuota: ${quota.map((f) => `${f.resource} requested ${f.requested}, already used ${f.used} of ${f.limited}`).join("; ")}. It starts only when other work in the namespace finishes, or when an admin raises the quota.`
        : "The run asks for more than is left in its namespace's ResourceQuota. It starts only when other work in the namespace finishes, or when an admin raises the quota.",
      ...(quota ? { quota } : {}),
    };
  }
  const insufficient = insufficientResources(text);
  if (insufficient.length > 0) {
    const gpu = insufficient.some((resource) => resource.includes("gpu"));
    return {
      headline: `No node has enough free ${insufficient.join(", ")}`,
      advice: gpu
        ? "Every node with GPUs is busy or too small for this request. The run waits and starts by itself when GPUs are freed; ask for fewer GPUs to start sooner."
        : "No node has that much free capacity right now. The run waits and starts by itself when capacity frees up; a smaller execution config starts sooner.",
    };
  }
  if (/ErrImagePull|ImagePullBackOff|InvalidImageName|pull image|pulling image/i.test(text)) {
    return {
      headline: "The container image could not be pulled",
      advice:
        "Check the image name and tag of the execution config or code env, that the image was pushed, and that the registry credentials (image pull secret) are right. The run stays pending until the image can be pulled.",
    };
  }
  // Before the crash and exit-code rules: the code that failed is not the user's.
  const init = /The init container "([^"]+)" failed/.exec(text);
  if (init) {
    return {
      headline: `The init container "${init[1]}" failed before the run started`,
      advice:
        "An init container runs before the run's own container, which was never started, so your code was not executed. Init containers Berth does not create are usually added by an admission webhook (a service mesh such as Istio, a secrets agent); its log, and the cluster's admins, say why it fails.",
    };
  }
  if (/OOMKilled/i.test(text) || (status === "failed" && exitCode === 137)) {
    return {
      headline: "Out of memory: the container was killed (OOMKilled)",
      advice:
        "The process used more memory than the execution config's memory limit, so the kernel stopped it (exit code 137). Use a config with a higher memory limit, or process the data in smaller parts.",
    };
  }
  if (/node affinity|node selector|didn't match/i.test(text)) {
    return {
      headline: "No node matches the execution config's node selector or affinity",
      advice:
        "The config asks for nodes with labels that no node has (or that are all full). An admin can fix the config's node selector, or add matching nodes.",
    };
  }
  if (/untolerated taint|had taint|taint/i.test(text)) {
    return {
      headline: "The matching nodes are tainted and the run does not tolerate it",
      advice: "The execution config needs a toleration for those nodes' taint; ask an admin to add it.",
    };
  }
  if (/unreachable|stale|cannot reach|could not reach/i.test(text)) {
    return {
      headline: "The cluster cannot be reached",
      advice:
        "Berth keeps trying and shows the run's last known state; it updates by itself when the cluster answers again.",
    };
  }
  if (/CrashLoopBackOff|keeps crashing/i.test(text)) {
    return {
      headline: "The container keeps crashing",
      advice:
        "The program exits with an error soon after it starts and Kubernetes keeps restarting it. The log of the last attempt usually says why.",
    };
  }
  if (/evicted/i.test(text)) {
    return {
      headline: "The pod was evicted from its node",
      advice: "The node ran short of memory or disk, or was drained. Submitting the run again usually works.",
    };
  }
  if (/time limit|DeadlineExceeded/i.test(text)) {
    return {
      headline: "The run took longer than its time limit",
      advice: "It was stopped when its deadline passed. Ask for a longer limit, or make the run shorter.",
    };
  }
  if (status === "failed") {
    if (exitCode != null && exitCode !== 0) {
      return {
        headline: `The command exited with code ${exitCode}`,
        advice: "The program itself reported an error: the end of the log usually says why.",
      };
    }
    return { headline: text || "The run failed", advice: "The events and the log below say more." };
  }
  if (status === "lost") {
    return {
      headline: "The run's pods disappeared",
      advice: "Its pods were removed while Berth was not watching, so its end is unknown. Submit it again if needed.",
    };
  }
  if ((status === "pending" || status === "queued") && text)
    return { headline: text, advice: "Nothing is wrong so far: the run starts as soon as its container is created." };
  return undefined;
}
