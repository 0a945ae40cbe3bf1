/** Name-reference fix-up (kustomize api/filters/nameref): references follow renamed resources. */
import { KustomizeError } from "./errors.ts";
import { type NameBackRef, specSelects, walkFieldSpec } from "./fieldspec.ts";
import {
  effectiveNs,
  gvkSelected,
  idString,
  isClusterScoped,
  type ResId,
  type Resource,
} from "./resource.ts";
import { isMap, type Value, type VMap } from "./value.ts";

function sameEnding(a: string[], b: string[]): boolean {
  // utils.SameEndingSubSlice
  if (a.length === 0 || b.length === 0) return a.length === 0 && b.length === 0 ? true : false;
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

function psEquals(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const pe = r.prefixes.length === 0 || o.prefixes.length === 0;
    const se = r.suffixes.length === 0 || o.suffixes.length === 0;
    return (pe || sameEnding(r.prefixes, o.prefixes)) && (se || sameEnding(r.suffixes, o.suffixes));
  }
  return sameEnding(r.prefixes, o.prefixes) && sameEnding(r.suffixes, o.suffixes);
}

/**
 * The referral candidates of one referrer (kustomize nameref's same-namespace sieve), as a membership test
 * rather than a list: the referrer side is fixed when it is made (as a list built then would be), each
 * candidate is tested when asked. `pred(t)` is `candidatesFor(all, referrer).includes(t)` at that moment.
 */
function candidatesFor(referrer: Resource): (t: Resource) => boolean {
  const rid = referrer.curId();
  if (isClusterScoped(rid)) return () => true;
  const rbNs = new Set<string>();
  if (referrer.kind === "RoleBinding" && Array.isArray(referrer.obj.subjects)) {
    for (const s of referrer.obj.subjects) {
      if (isMap(s) && s.namespace !== undefined && s.kind === "ServiceAccount") {
        if (typeof s.namespace !== "string") {
          throw new KustomizeError(`Invalid Input: namespace is blank for resource "${idString(rid)}"`);
        }
        rbNs.add(s.namespace);
      }
    }
  }
  const rns = effectiveNs(rid);
  const refNamespace = referrer.namespace;
  const member = (id: ResId, namespace: string) =>
    isClusterScoped(id) || effectiveNs(id) === rns || rbNs.has(namespace);
  // the referrer is a candidate of itself, judged by its id as it was here (it is the one resource the
  // fix-ups below write to)
  const self = member(rid, refNamespace);
  return (t) => t === referrer ? self : member(t.curId(), t.namespace);
}

/** Resources by the names in their previous ids, in list order (the first sieve of every referral lookup). */
function byPreviousName(all: Resource[]): Map<string, Resource[]> {
  const m = new Map<string, Resource[]>();
  for (const r of all) {
    for (const id of r.prevIds) {
      let l = m.get(id.name);
      if (!l) m.set(id.name, l = []);
      if (l[l.length - 1] !== r) l.push(r);
    }
  }
  return m;
}

export function fixNameReferences(all: Resource[], backRefs: NameBackRef[]): void {
  const prevNamed = byPreviousName(all);
  const NONE: Resource[] = [];
  // resources with previous ids, by the namespace of their original id (stable: previous ids do not change
  // here); those without previous ids have their current id as the original, so are looked at as they are
  const byOrgNs = new Map<string, Resource[]>();
  const noPrev: Resource[] = [];
  for (const r of all) {
    if (r.prevIds.length === 0) noPrev.push(r);
    else {
      const ns = r.prevIds[0]!.namespace;
      let l = byOrgNs.get(ns);
      if (!l) byOrgNs.set(ns, l = []);
      l.push(r);
    }
  }
  for (const referrer of all) {
    let cands: ((t: Resource) => boolean) | undefined;
    const orgId = referrer.orgId();
    const gvk = referrer.gvk();
    for (const br of backRefs) {
      for (const fs of br.fieldSpecs) {
        if (!specSelects(fs, orgId)) continue;
        if (!specSelects(fs, gvk)) continue;
        cands ??= candidatesFor(referrer);
        const c = cands;
        const select = (
          oldName: string,
          inList: (r: Resource) => boolean,
          identical: (rs: Resource[]) => boolean,
        ) => {
          let l = (prevNamed.get(oldName) ?? NONE).filter(inList);
          l = l.filter((r) => r.prevIds.some((id) => gvkSelected(id, br.gvk)));
          if (fs.path.endsWith("roleRef/name")) {
            const rr = referrer.obj.roleRef;
            if (isMap(rr) && typeof rr.kind === "string" && rr.apiGroup !== undefined) {
              const sel = { group: String(rr.apiGroup ?? ""), kind: rr.kind };
              l = l.filter((r) => r.prevIds.some((id) => gvkSelected(id, sel)));
            }
          }
          const rid = referrer.curId();
          if (!isClusterScoped(rid)) {
            l = l.filter((r) => {
              const id = r.curId();
              return isClusterScoped(id) || r.kind === "ServiceAccount" ||
                effectiveNs(id) === effectiveNs(rid);
            });
          }
          if (l.length === 1) return l[0];
          l = l.filter((r) => psEquals(r, referrer, true));
          if (l.length > 1) l = l.filter((r) => psEquals(r, referrer, false));
          if (l.length === 1) return l[0];
          if (l.length === 0) return undefined;
          if (identical(l)) return l[0];
          throw new KustomizeError(
            `found multiple possible referrals: ${l.map((r) => idString(r.curId())).join(", ")}`,
          );
        };
        const namesSame = (rs: Resource[]) => rs.every((r) => r.name === rs[0]!.name);
        const namesNsSame = (rs: Resource[]) =>
          rs.every((r) => r.name === rs[0]!.name && r.namespace === rs[0]!.namespace);
        const setScalar = (holder: VMap | Value[], key: string | number, v: Value) => {
          if (typeof v !== "string") return;
          const ref = select(v, c, namesSame);
          if (!ref) return;
          ref.refBy.push(idString(referrer.curId()));
          if (ref.name !== v) (holder as Record<string | number, Value>)[key] = ref.name;
        };
        const setMapping = (m: VMap) => {
          if (typeof m.name !== "string") {
            if (m.name === undefined) throw new KustomizeError("path config error; no 'name' field in node");
            return;
          }
          let inList = c;
          if (m.namespace !== undefined && prevNamed.has(m.name)) {
            // (with no resource once named so, the lookup finds nothing whichever list it searches)
            const ns = String(m.namespace);
            const byOrg = (r: Resource) => c(r) && r.orgId().namespace === ns;
            const anyByOrg = (byOrgNs.get(ns) ?? NONE).some(byOrg) || noPrev.some(byOrg);
            inList = anyByOrg ? byOrg : (r) => c(r) && r.namespace === ns;
          }
          const ref = select(m.name, inList, namesNsSame);
          if (!ref) return;
          ref.refBy.push(idString(referrer.curId()));
          if (ref.name === m.name && ref.namespace === "") return;
          m.name = ref.name;
          if (ref.namespace !== "") m.namespace = ref.namespace;
        };
        walkFieldSpec(referrer.obj, { ...fs, create: false }, "none", (s) => {
          const v = s.value;
          if (v === undefined || v === null) return;
          if (Array.isArray(v)) {
            v.forEach((x, i) => {
              if (isMap(x)) setMapping(x);
              else setScalar(v, i, x);
            });
          } else if (isMap(v)) setMapping(v);
          else setScalar(s.holder, s.key, v);
        });
      }
    }
  }
}
