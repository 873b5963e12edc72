"use client";

import { useEffect, useId, useState } from "react";

import { previewPattern } from "@/lib/namespace-policies/pattern";

import { clusterNamespacesAction } from "../actions";

type Loaded = { cluster: string; names: string[] } | { cluster: string; error: string };

/**
 * Which of a cluster's namespaces the pattern being typed matches. The namespace list is read once
 * per chosen cluster; matching runs in the browser on every keystroke.
 */
export function PatternPreview({ pattern, clusters }: { pattern: string; clusters: string[] }) {
  const [cluster, setCluster] = useState(clusters[0] ?? "");
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const id = useId();

  useEffect(() => {
    if (!cluster) return;
    let current = true;
    clusterNamespacesAction(cluster).then((result) => {
      if (current) setLoaded(result.ok ? { cluster, names: result.data } : { cluster, error: result.error });
    });
    return () => {
      current = false;
    };
  }, [cluster]);

  if (clusters.length === 0) return null;
  const preview = previewPattern(pattern, loaded && "names" in loaded ? loaded.names : []);
  return (
    <section
      aria-label="Matching namespaces"
      className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={id} className="font-medium text-slate-800">
          Matching namespaces on
        </label>
        <select
          id={id}
          value={cluster}
          onChange={(event) => setCluster(event.target.value)}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          {clusters.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <p role="status" className="mt-1 text-slate-700">
        {!loaded || loaded.cluster !== cluster ? (
          "Reading the cluster's namespaces…"
        ) : "error" in loaded ? (
          <span className="text-red-700">{loaded.error}</span>
        ) : "problem" in preview ? (
          preview.problem
        ) : preview.matches.length === 0 ? (
          `None of the ${loaded.names.length} namespaces of ${cluster} match.`
        ) : (
          <>
            {preview.matches.length} of {loaded.names.length} namespaces:{" "}
            <span className="font-mono">{preview.matches.join(", ")}</span>
          </>
        )}
      </p>
    </section>
  );
}
