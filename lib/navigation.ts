import type { Permission } from "@/lib/permissions";

export interface NavItem {
  href: string;
  label: string;
  /** Shown in the sidebar only to those who hold it; pages check it again on the server. */
  permission?: Permission;
}

export interface NavSection {
  title?: string;
  items: NavItem[];
}

/** The console's navigation, as data: the sidebar and the honest empty states read it. */
export const NAVIGATION: NavSection[] = [
  {
    items: [
      { href: "/", label: "Dashboard" },
      { href: "/runs", label: "Runs" },
      { href: "/runs/queue", label: "Queue" },
    ],
  },
  {
    title: "Execution",
    items: [
      { href: "/execution-configs", label: "Execution configs" },
      { href: "/spark-configs", label: "Spark configs" },
      { href: "/clusters", label: "Clusters" },
      { href: "/docker-hosts", label: "Docker hosts", permission: "dockerHosts.read" },
      { href: "/namespace-policies", label: "Namespace policies", permission: "policies.read" },
    ],
  },
  {
    title: "Images",
    items: [
      { href: "/images", label: "Base images" },
      { href: "/code-envs", label: "Code envs" },
    ],
  },
  {
    title: "Administration",
    items: [
      { href: "/projects", label: "Projects" },
      { href: "/groups", label: "Groups", permission: "groups.read" },
      { href: "/users", label: "Users", permission: "users.read" },
      { href: "/audit", label: "Audit log", permission: "audit.read" },
      { href: "/settings", label: "Settings" },
    ],
  },
  { title: "Help", items: [{ href: "/api-docs", label: "API reference" }] },
];
