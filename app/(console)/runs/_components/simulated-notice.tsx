/**
 * Said once per run page on a simulated cluster: the run's pods go through Kubernetes' motions
 * (scheduling, status, events, logs, metrics) but nothing of the user's runs, so a green run
 * proves the configuration, not the code.
 */
export function SimulatedNotice({ cluster }: { cluster: string }) {
  return (
    <p
      role="note"
      aria-label="Simulated cluster"
      className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
    >
      <span className="font-semibold">Simulated cluster:</span> containers on {cluster} are simulated. The image is not
      pulled and your command or script is not executed; the status, log lines, exit code and usage shown here come from
      the simulator.
    </p>
  );
}
