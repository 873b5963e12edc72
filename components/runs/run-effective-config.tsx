import type { EffectiveChoice, RunView } from "@/lib/runs/schema";

function Choice({ choice }: { choice: EffectiveChoice }) {
  if (!choice.value) return <span className="text-slate-400">{choice.from || "not set"}</span>;
  return (
    <span>
      <span className="font-medium text-slate-900">{choice.value}</span>
      <span className="text-slate-500"> — {choice.from}</span>
    </span>
  );
}

/**
 * What the run ran with and where each value came from (chosen for this run, object override,
 * project setting, instance default), as it was at submit.
 */
export function RunEffectiveConfig({ run }: { run: RunView }) {
  const { resolution } = run;
  // A Spark run's pods come from its Spark config alone: the execution config the project resolves
  // to (and its GPUs) plays no part, so it is not shown as if it did.
  const docker = run.workload === "docker-container";
  const spark = (run.workload !== "pod" && !docker) || Boolean(resolution.sparkConfig);
  const rows: [string, React.ReactNode][] = [
    ...(spark
      ? ([
          [
            "Spark config",
            resolution.sparkConfig ? (
              <Choice key="s" choice={resolution.sparkConfig} />
            ) : (
              <span key="s" className="text-slate-400">
                not set
              </span>
            ),
          ],
          [
            "Execution config",
            <span key="e" className="text-slate-400">
              not used by Spark runs
            </span>,
          ],
        ] as [string, React.ReactNode][])
      : ([["Execution config", <Choice key="e" choice={resolution.executionConfig} />]] as [
          string,
          React.ReactNode,
        ][])),
    ...(docker
      ? ([["Docker host", <span key="d">{run.dockerHost}</span>]] as [string, React.ReactNode][])
      : ([
          ["Cluster", <Choice key="c" choice={resolution.cluster} />],
          [
            "Namespace",
            <span key="n" className="font-mono text-xs">
              {run.namespace}
            </span>,
          ],
        ] as [string, React.ReactNode][])),
    [
      "Image",
      <span key="i" className="break-all font-mono text-xs">
        {resolution.image || "—"}
      </span>,
    ],
    ["Code env", run.codeEnv ?? <span className="text-slate-400">none</span>],
  ];
  return (
    <dl aria-label="Effective configuration" className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-slate-500">{term}</dt>
          <dd className="break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
