/**
 * The objects of one kind, bucketed by namespace, with name order cached between changes so
 * that repeated lists (controllers, kubectl paging through 10k pods) do not sort every time.
 */
import type { KubeObject } from "../contract";

class Bucket {
  readonly byName = new Map<string, KubeObject>();
  private sortedNames: string[] | undefined;

  set(name: string, object: KubeObject): void {
    if (!this.byName.has(name)) this.sortedNames = undefined;
    this.byName.set(name, object);
  }

  delete(name: string): KubeObject | undefined {
    const previous = this.byName.get(name);
    if (previous) {
      this.byName.delete(name);
      this.sortedNames = undefined;
    }
    return previous;
  }

  appendSorted(out: KubeObject[]): void {
    this.sortedNames ??= [...this.byName.keys()].sort();
    for (const name of this.sortedNames) out.push(this.byName.get(name)!);
  }
}

export class KindIndex {
  private readonly buckets = new Map<string, Bucket>();
  private sortedNamespaces: string[] | undefined;

  get(namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(namespace)?.byName.get(name);
  }

  set(namespace: string, name: string, object: KubeObject): void {
    let bucket = this.buckets.get(namespace);
    if (!bucket) {
      this.buckets.set(namespace, (bucket = new Bucket()));
      this.sortedNamespaces = undefined;
    }
    bucket.set(name, object);
  }

  delete(namespace: string, name: string): KubeObject | undefined {
    const bucket = this.buckets.get(namespace);
    const previous = bucket?.delete(name);
    if (bucket && bucket.byName.size === 0) {
      this.buckets.delete(namespace);
      this.sortedNamespaces = undefined;
    }
    return previous;
  }

  count(namespace: string): number {
    return this.buckets.get(namespace)?.byName.size ?? 0;
  }

  /** Objects in one namespace bucket, or all of them, sorted by namespace then name. */
  list(namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    if (namespace !== undefined) {
      this.buckets.get(namespace)?.appendSorted(out);
      return out;
    }
    this.sortedNamespaces ??= [...this.buckets.keys()].sort();
    for (const ns of this.sortedNamespaces) this.buckets.get(ns)!.appendSorted(out);
    return out;
  }
}
