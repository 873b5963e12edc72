/**
 * What a seeded node is: capacity, labels, pod CIDR and the GPU taint of `sim-cpu-N` (16 CPU, 64 Gi)
 * and `sim-gpu-N` (64 CPU, 512 Gi, A100s) nodes. Shared by the simulator's seed and the real
 * control plane's kwok nodes (scripts/real-cluster.ts), so both clusters have the same nodes.
 * Pure and dependency-free: the real-cluster script imports it without the simulator.
 */
export const GPU_RESOURCE = "nvidia.com/gpu";
export const GPU_PRODUCT = "NVIDIA-A100-SXM4-40GB";

export interface NodeShape {
  capacity: Record<string, string>;
  labels: Record<string, string>;
  /** Each node its own /24: kwok hands out pod IPs from it, and its default range would overlap the services'. */
  podCIDR: string;
  taints: { key: string; value: string; effect: string }[];
}

export function seededNodeShape(name: string, index: number, gpus: number): NodeShape {
  const gpu = gpus > 0;
  return {
    capacity: gpu
      ? { cpu: "64", memory: "512Gi", pods: "110", "ephemeral-storage": "1Ti", [GPU_RESOURCE]: String(gpus) }
      : { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "200Gi" },
    labels: {
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": name,
      "kubernetes.io/os": "linux",
      "node-role.kubernetes.io/worker": "",
      "node.kubernetes.io/instance-type": gpu ? `sim.gpu-a100x${gpus}` : "sim.cpu-16",
      "topology.kubernetes.io/zone": `sim-zone-${"abc"[index % 3]}`,
      type: "kwok",
      ...(gpu
        ? {
            "nvidia.com/gpu.present": "true",
            "nvidia.com/gpu.product": GPU_PRODUCT,
            "nvidia.com/gpu.count": String(gpus),
            "nvidia.com/gpu.memory": "40960",
          }
        : {}),
    },
    podCIDR: `10.${244 + (index >> 8)}.${index & 255}.0/24`,
    taints: gpu ? [{ key: GPU_RESOURCE, value: "present", effect: "NoSchedule" }] : [],
  };
}
