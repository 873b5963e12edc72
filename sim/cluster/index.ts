/**
 * The cluster behaviour the core wires in (sim/contract.ts ClusterBehaviour): admission plugins,
 * the scheduler, kubelet and controllers, pods/log and metrics routes, and the demo seed.
 */
import type { AdmissionPlugin, ClusterBehaviour, ClusterOptions, Store } from "../contract";
import { EventRecorder } from "./events";
import { JobController } from "./job-controller";
import { jobAdmissionPlugin } from "./job-logic";
import { Kubelet } from "./kubelet";
import { limitRangeDefaultsPlugin, limitRangeValidationPlugin } from "./limitrange";
import { logRoute } from "./logs";
import { METRICS_TYPES, metricsRoutes } from "./metrics";
import { nameValidationPlugin } from "./names";
import { podDefaultsPlugin, podValidationPlugin } from "./pod-admission";
import { podSecurityPlugin } from "./pod-security";
import { forgetLedger, ledgerFor, resourceQuotaPlugin } from "./quota-controller";
import { Scheduler } from "./scheduler";
import { seedCluster } from "./seed";
import { SparkController } from "./spark";
import { TimerQueue } from "./timer-queue";

/** The running pieces for one store (a process may run several simulators, e.g. in tests). */
export interface ClusterRuntime {
  timers: TimerQueue;
  events: EventRecorder;
  scheduler: Scheduler;
  kubelet: Kubelet;
  jobs: JobController;
  spark: SparkController;
}

const runtimes = new WeakMap<Store, ClusterRuntime>();

/** The runtime started for a store, if any (the bench reads scheduler counters through it). */
export const clusterRuntime = (store: Store): ClusterRuntime | undefined => runtimes.get(store);

/**
 * Order matters and follows the apiserver: names, decode-time defaults, LimitRanger's mutation,
 * object validation, LimitRanger's validation, PodSecurity, Job defaults, and ResourceQuota last so it charges
 * exactly what will be stored.
 */
const admission: AdmissionPlugin[] = [
  nameValidationPlugin,
  podDefaultsPlugin,
  limitRangeDefaultsPlugin,
  podValidationPlugin,
  limitRangeValidationPlugin,
  podSecurityPlugin,
  jobAdmissionPlugin,
  resourceQuotaPlugin,
];

export const behaviour: ClusterBehaviour = {
  types: METRICS_TYPES,
  admission,
  routes: [
    {
      method: "GET",
      path: "/api/v1/namespaces/:namespace/pods/:name/log",
      handler: logRoute((store, pod, container) => runtimes.get(store)?.kubelet.logs(pod, container)),
    },
    ...metricsRoutes((store) => (uid) => runtimes.get(store)?.kubelet.runtime(uid)?.gpuIndices ?? []),
  ],
  start(store, options: ClusterOptions = {}) {
    const timers = new TimerQueue();
    const events = new EventRecorder(store);
    ledgerFor(store);
    const runtime: ClusterRuntime = {
      timers,
      events,
      scheduler: new Scheduler(store, events),
      kubelet: new Kubelet(store, timers, events, options.kubelet),
      jobs: new JobController(store, timers, events),
      spark: new SparkController(store, events, options.spark),
    };
    runtimes.set(store, runtime);
    return () => {
      runtime.spark.stop();
      runtime.jobs.stop();
      runtime.kubelet.stop();
      runtime.scheduler.stop();
      timers.stop();
      forgetLedger(store);
      runtimes.delete(store);
    };
  },
  seed: seedCluster,
};
