/**
 * Management signing loop (conductor.md §4.2 with DECISIONS.md's pack mapping; leader; 30 s).
 * Each pass, across all namespaces:
 *
 * (a) PackDelivery (upstream ClusterPack): annotation `ontai.dev/pack-signature` over canonical
 *     `.spec`. Signed when absent, or when the existing value does not verify with this signer's
 *     public key (rotation, conductor.md §5.6).
 * (b) PackInstalled (upstream PackInstance): `…/management-signature` + `…/management-spec-hash`,
 *     re-signed when the hash differs (D-S2) or the signature does not verify with our key; then
 *     the artifact Secret `seam-pack-signed-{cluster}-{name}` in `seam-tenant-{cluster}` with the
 *     canonical bytes and the raw signature, rewritten whenever either differs.
 * (c) PermissionSnapshot: as (b) for the annotations, then `status.signed: true`.
 *
 * Every signed object also gets `seam.ontai.dev/signing-key-id`. `reconcile*` are idempotent: an
 * object already in the desired state causes no write.
 */
import type { Logger } from "../../shared/logger.ts";
import { LABEL_MANAGED_BY, tenantNamespace } from "../../shared/runner_keys.ts";
import {
  ANNOTATION_MANAGEMENT_SIGNATURE,
  ANNOTATION_MANAGEMENT_SPEC_HASH,
  ANNOTATION_PACK_SIGNATURE,
  ANNOTATION_SIGNING_KEY_ID,
  base64ToBytesStrict,
  bytesToBase64,
  canonicalBytes,
  KeyRing,
  LABEL_SEAM_CLUSTER,
  sha256Hex,
  type Signer,
} from "../../shared/signing/mod.ts";
import { apiVersionOf, type KindId } from "../../schemas/names.ts";
import { builtinPath, isNotFound, kindPath, type KubeClient } from "./kube_client.ts";
import { M, type Metrics } from "./metrics.ts";

export const SIGNING_INTERVAL_MS = 30_000;

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

interface SecretObj {
  metadata: KObject["metadata"];
  type?: string;
  data?: Record<string, string>;
}

export interface SigningLoopOptions {
  client: KubeClient;
  signer: Signer;
  log: Logger;
  metrics: Metrics;
}

export type SignOutcome = "signed" | "unchanged";

export class SigningLoop {
  readonly #o: SigningLoopOptions;
  readonly #own: KeyRing;
  constructor(o: SigningLoopOptions) {
    this.#o = o;
    this.#own = new KeyRing([o.signer.key.publicKey]);
  }

  async #sign(kind: KindId, spec: unknown) {
    const r = await this.#o.metrics.time(
      M.signLatency[0],
      M.signLatency[1],
      { kind },
      () => this.#o.signer.signSpec(spec),
    );
    this.#o.metrics.inc(M.signs[0], M.signs[1], { kind });
    return r;
  }

  async #validOwn(bytes: Uint8Array, sig: string | undefined): Promise<boolean> {
    return !!sig && (await this.#own.verifyBytes(bytes, sig)).ok;
  }

  /** (a) PackDelivery → `ontai.dev/pack-signature`. */
  async reconcilePackDelivery(obj: KObject): Promise<SignOutcome> {
    const ann = obj.metadata.annotations ?? {};
    const bytes = canonicalBytes(obj.spec ?? null);
    if (await this.#validOwn(bytes, ann[ANNOTATION_PACK_SIGNATURE])) return "unchanged";
    const s = await this.#sign("PackDelivery", obj.spec);
    await this.#o.client.mergePatch(kindPath("PackDelivery", obj.metadata.namespace, obj.metadata.name), {
      metadata: {
        annotations: { [ANNOTATION_PACK_SIGNATURE]: s.signature, [ANNOTATION_SIGNING_KEY_ID]: s.keyId },
      },
    });
    this.#o.log.info("signed", {
      kind: "PackDelivery",
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      keyId: s.keyId,
    });
    return "signed";
  }

  /** Signature + spec hash annotations (PackInstalled, PermissionSnapshot); returns the current signature. */
  async #ensureManagementSignature(
    kind: KindId,
    obj: KObject,
  ): Promise<{ outcome: SignOutcome; signature: string; bytes: Uint8Array }> {
    const ann = obj.metadata.annotations ?? {};
    const bytes = canonicalBytes(obj.spec ?? null);
    const hash = await sha256Hex(bytes);
    const sig = ann[ANNOTATION_MANAGEMENT_SIGNATURE];
    if (sig && ann[ANNOTATION_MANAGEMENT_SPEC_HASH] === hash && (await this.#validOwn(bytes, sig))) {
      return { outcome: "unchanged", signature: sig, bytes };
    }
    const s = await this.#sign(kind, obj.spec);
    await this.#o.client.mergePatch(kindPath(kind, obj.metadata.namespace, obj.metadata.name), {
      metadata: {
        annotations: {
          [ANNOTATION_MANAGEMENT_SIGNATURE]: s.signature,
          [ANNOTATION_MANAGEMENT_SPEC_HASH]: s.specHash,
          [ANNOTATION_SIGNING_KEY_ID]: s.keyId,
        },
      },
    });
    this.#o.log.info("signed", {
      kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      keyId: s.keyId,
    });
    return { outcome: "signed", signature: s.signature, bytes: s.bytes };
  }

  /** (b) PackInstalled → annotations + signed artifact Secret. */
  async reconcilePackInstalled(obj: KObject): Promise<SignOutcome> {
    const r = await this.#ensureManagementSignature("PackInstalled", obj);
    const cluster = String(obj.spec?.targetClusterRef ?? "");
    if (cluster === "") return r.outcome;
    const wrote = await this.#publishArtifact(obj, cluster, r.signature, r.bytes);
    return r.outcome === "signed" || wrote ? "signed" : "unchanged";
  }

  async #publishArtifact(
    obj: KObject,
    cluster: string,
    signature: string,
    bytes: Uint8Array,
  ): Promise<boolean> {
    const ns = tenantNamespace(cluster);
    const name = `seam-pack-signed-${cluster}-${obj.metadata.name}`;
    const path = builtinPath("v1", "secrets", ns, name);
    const data = {
      artifact: bytesToBase64(bytes),
      signature: bytesToBase64(base64ToBytesStrict(signature) ?? new Uint8Array()),
    };
    let existing: SecretObj | undefined;
    try {
      existing = await this.#o.client.get<SecretObj>(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (
      existing && existing.data?.artifact === data.artifact && existing.data?.signature === data.signature
    ) return false;
    const metadata: Record<string, unknown> = {
      name,
      namespace: ns,
      labels: { [LABEL_MANAGED_BY]: "conductor", [LABEL_SEAM_CLUSTER]: cluster },
    };
    if (obj.metadata.namespace === ns && obj.metadata.uid) {
      metadata.ownerReferences = [{
        apiVersion: apiVersionOf("PackInstalled"),
        kind: "PackInstalled",
        name: obj.metadata.name,
        uid: obj.metadata.uid,
      }];
    }
    const body = { apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", data };
    if (existing) {
      metadata.resourceVersion = existing.metadata.resourceVersion;
      await this.#o.client.replace(path, body);
    } else {
      await this.#o.client.create(builtinPath("v1", "secrets", ns), body);
    }
    this.#o.log.info("published signed artifact", { secret: name, namespace: ns });
    return true;
  }

  /** (c) PermissionSnapshot → annotations + `status.signed`. */
  async reconcilePermissionSnapshot(obj: KObject): Promise<SignOutcome> {
    const r = await this.#ensureManagementSignature("PermissionSnapshot", obj);
    if (obj.status?.signed !== true) {
      await this.#o.client.mergePatch(
        kindPath("PermissionSnapshot", obj.metadata.namespace, obj.metadata.name, "status"),
        { status: { signed: true } },
      );
      return "signed";
    }
    return r.outcome;
  }

  async #each(kind: KindId, fn: (o: KObject) => Promise<SignOutcome>): Promise<void> {
    let items: KObject[];
    try {
      items = (await this.#o.client.list<KObject>(kindPath(kind))).items;
    } catch (e) {
      this.#o.log.warn("cannot list; sub-pass skipped", { kind, error: e });
      return;
    }
    for (const obj of items) {
      try {
        await fn(obj);
      } catch (e) {
        this.#o.metrics.inc(M.loopErrors[0], M.loopErrors[1], { loop: "signing" });
        this.#o.log.warn("cannot sign", {
          kind,
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
          error: e,
        });
      }
    }
  }

  async pass(): Promise<void> {
    await this.#each("PackDelivery", (o) => this.reconcilePackDelivery(o));
    await this.#each("PackInstalled", (o) => this.reconcilePackInstalled(o));
    await this.#each("PermissionSnapshot", (o) => this.reconcilePermissionSnapshot(o));
  }
}
