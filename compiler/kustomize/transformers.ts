/** kustomize's builtin transformers: namespace, prefix/suffix, labels, annotations, images, replicas. */
import { KustomizeError } from "./errors.ts";
import { type FieldSpec, specSelects, walkFieldSpec } from "./fieldspec.ts";
import { effectiveNs, idKey, idString, isClusterScoped, type Resource } from "./resource.ts";
import { has, isMap, newMap, scalarText, type Value, type VMap } from "./value.ts";

export function namespaceTransform(
  list: Resource[],
  ns: string,
  specs: FieldSpec[],
  mode: { unsetOnly?: boolean; subjects?: string } = {},
): void {
  const setVal = (holder: VMap | Value[], key: string | number) => {
    const cur = (holder as Record<string | number, Value | undefined>)[key];
    if (mode.unsetOnly && cur !== undefined && cur !== null && cur !== "") return;
    (holder as Record<string | number, Value>)[key] = ns;
  };
  for (const r of list) {
    r.storePreviousId();
    const gvk = r.gvk();
    const apiVersion = r.str(["apiVersion"]);
    let fss = specs.filter((f) =>
      f.path !== "metadata/namespace" && !(apiVersion !== "v1" && f.path === "metadata/name")
    );
    if (!isClusterScoped(gvk)) {
      walkFieldSpec(
        r.obj,
        { path: "metadata/namespace", create: true },
        "scalar",
        (s) => setVal(s.holder, s.key),
      );
    }
    if (gvk.kind === "RoleBinding" || gvk.kind === "ClusterRoleBinding") {
      fss = fss.filter((f) =>
        !((f.kind === "RoleBinding" || f.kind === "ClusterRoleBinding") && f.path === "subjects/namespace")
      );
      const subjects = r.obj.subjects;
      const m = mode.subjects ?? "defaultOnly";
      if (Array.isArray(subjects) && m !== "none") {
        for (const s of subjects) {
          if (!isMap(s)) continue;
          if (m === "allServiceAccounts" ? s.kind === "ServiceAccount" : s.name === "default") {
            setVal(s, "namespace");
          }
        }
      }
    }
    for (const f of fss) {
      if (!specSelects(f, gvk)) continue;
      walkFieldSpec(r.obj, f, "scalar", (s) => setVal(s.holder, s.key));
    }
  }
  const ids = list.map((r) => r.curId());
  const counts = new Map<string, number>();
  for (const id of ids) {
    const k = idKey(id);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const id of ids) {
    if (counts.get(idKey(id)) !== 1) {
      throw new KustomizeError(`namespace transformation produces ID conflict: ${idString(id)}`);
    }
  }
}

const PREFIX_SKIP = (r: Resource) => {
  const o = r.orgId();
  return o.kind === "CustomResourceDefinition" || o.kind === "Namespace" ||
    (o.kind === "APIService" && o.group === "apiregistration.k8s.io");
};

export function prefixSuffixTransform(
  list: Resource[],
  value: string,
  specs: FieldSpec[],
  suffix: boolean,
): void {
  for (const r of list) {
    if (PREFIX_SKIP(r)) continue;
    const id = r.orgId();
    for (const f of specs) {
      if (!specSelects(f, id)) continue;
      if (f.path === "metadata/name") {
        if (suffix) r.suffixes.push(value);
        else r.prefixes.push(value);
        if (value !== "") r.storePreviousId();
      }
      walkFieldSpec(r.obj, f, "none", (s) => {
        const cur = scalarText(s.value);
        if (cur === undefined) return;
        (s.holder as Record<string | number, Value>)[s.key] = suffix ? cur + value : value + cur;
      });
    }
  }
}

export function setMapEntries(
  list: Resource[],
  entries: Record<string, string>,
  specs: FieldSpec[],
  what: string,
): void {
  if (Object.keys(entries).length === 0) return;
  for (const r of list) {
    const gvk = r.gvk();
    for (const f of specs) {
      if (!specSelects(f, gvk)) continue;
      walkFieldSpec(r.obj, f, "map", (s) => {
        let m = s.value;
        if (m === undefined || m === null) {
          m = newMap();
          (s.holder as Record<string | number, Value>)[s.key] = m;
        }
        if (!isMap(m)) {
          throw new KustomizeError(`${what}: field ${f.path} of ${idString(r.curId())} is not a map`);
        }
        for (const [k, v] of Object.entries(entries)) m[k] = v;
      });
    }
  }
}

/** image.Split */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let search = image;
  let slash = image.indexOf("/");
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let id = search.indexOf("@");
  let ic = search.indexOf(":");
  if (ic < 0 && id < 0) return { name: image, tag: "", digest: "" };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash;
    return { name: image.slice(0, id), tag: "", digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slash;
    ic += slash;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slash;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: "" };
}

export interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function updateImage(value: string, img: ImageSpec): string | undefined {
  const p = splitImage(value);
  if (p.name !== img.name) return undefined;
  let { name, tag, digest } = p;
  if (img.newName) name = img.newName;
  if (img.newTag && img.digest) {
    tag = img.newTag;
    digest = img.digest;
  } else if (img.newTag) {
    tag = img.newTag;
    digest = "";
  } else if (img.digest) {
    tag = "";
    digest = img.digest;
  }
  if (tag) name += ":" + tag;
  if (digest) name += "@" + digest;
  return name;
}

export function imagesTransform(list: Resource[], img: ImageSpec, specs: FieldSpec[]): void {
  const setIn = (c: Value) => {
    if (!isMap(c) || typeof c.image !== "string") return;
    const u = updateImage(c.image, img);
    if (u !== undefined) c.image = u;
  };
  const legacy = (v: Value) => {
    if (Array.isArray(v)) v.forEach(legacy);
    else if (isMap(v)) {
      for (const k of Object.keys(v)) {
        const x = v[k]!;
        if ((k === "containers" || k === "initContainers") && Array.isArray(x)) x.forEach(setIn);
        legacy(x);
      }
    }
  };
  for (const r of list) {
    legacy(r.obj);
    const gvk = r.gvk();
    for (const f of specs) {
      if (!specSelects(f, gvk)) continue;
      walkFieldSpec(r.obj, { ...f, create: false }, "none", (s) => {
        if (typeof s.value !== "string") return;
        const u = updateImage(s.value, img);
        if (u !== undefined) (s.holder as Record<string | number, Value>)[s.key] = u;
      });
    }
  }
}

export function replicasTransform(list: Resource[], name: string, count: Value, specs: FieldSpec[]): void {
  for (const r of list) {
    if (r.name !== name && r.orgId().name !== name) continue;
    const gvk = r.gvk();
    for (const f of specs) {
      if (!specSelects(f, gvk)) continue;
      walkFieldSpec(r.obj, f, "scalar", (s) => {
        (s.holder as Record<string | number, Value>)[s.key] = count;
      });
    }
  }
}

export function stringMapOf(v: Value | undefined, where: string, file: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new KustomizeError(`${where} must be a map of strings`, { file, path: where });
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const x = v[k]!;
    if (typeof x === "string") out[k] = x;
    else if (x === null) out[k] = "";
    else out[k] = scalarText(x) ?? "";
  }
  return out;
}

export { effectiveNs, has };
