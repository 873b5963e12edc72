/** Client-side view types: the server's dashboard shapes (type-only imports, erased from the bundle). */
export type { ClusterDashboard, DashboardSnapshot, DockerHostDashboard } from "@/lib/dashboard/service";
export type { PodUtilization, UtilizationView } from "@/lib/dashboard/prometheus";
export type { GpuHoursGrouping, GpuHoursView } from "@/lib/dashboard/gpu-hours";
