/**
 * Signed pack delivery pull loop (conductor.md §4.5 with DECISIONS.md's mapping; tenant; 30 s).
 *
 * Lists the Secrets `seam-pack-signed-{cluster}-{D}` in `seam-tenant-{cluster}` on management (the
 * management signing loop publishes one per PackInstalled `D`) and verifies `data.signature` over
 * the exact `data.artifact` bytes. Then:
 * - verified → PackReceipt `D` in the agent namespace is created/updated with the artifact's fields,
 *   `status.verified: true`, conditions `Verified=True`, `DegradedSecurityState=False`;
 * - not verified → **no receipt is created and none is marked verified**: an existing PackReceipt
 *   `D` gets `verified: false`, `verificationFailedReason`, `Verified=False`,
 *   `DegradedSecurityState=True` (C-D3); without one, the PackInstalled `D` on management gets
 *   `DegradedSecurityState=True` (reason `SignatureVerificationFailed`).
 * A receipt already in the desired state is not written (idempotent).
 */
import { LABEL_MANAGED_BY, tenantNamespace } from "../../shared/runner_keys.ts";
import {
  base64ToBytesStrict,
  bytesToBase64,
  parseJsonLossless,
  signedArtifactSecretPrefix,
} from "../../shared/signing/mod.ts";
import { apiVersionOf } from "../../schemas/names.ts";
import { COND_DEGRADED, COND_VERIFIED, REASON_SIG_FAILED, REASON_SIG_VERIFIED } from "./conditions.ts";
import { builtinPath, isNotFound, kindPath } from "./kube_client.ts";
import {
  clearSourceDegraded,
  markSourceDegraded,
  patchStatusIfChanged,
  type SignedPullOptions,
} from "./receipt_status.ts";
import type { KObject } from "./signing_loop.ts";
import type { Verdict } from "./verifier.ts";

export const PACK_PULL_INTERVAL_MS = 30_000;

interface SecretObj {
  metadata: KObject["metadata"];
  data?: Record<string, string>;
}

export type PackPullOptions = SignedPullOptions;

const _COPIED = [
  "clusterPackRef",
  "chartVersion",
  "chartURL",
  "chartName",
  "helmVersion",
  "rbacDigest",
  "workloadDigest",
];

export class PackPullLoop {
  readonly #o: PackPullOptions;
  constructor(o: PackPullOptions) {
    this.#o = o;
  }

  async pass(): Promise<void> {
    const ns = tenantNamespace(this.#o.clusterRef);
    const prefix = signedArtifactSecretPrefix(this.#o.clusterRef);
    const list = await this.#o.mgmt.list<SecretObj>(builtinPath("v1", "secrets", ns));
    for (const s of list.items) {
      if (!s.metadata.name.startsWith(prefix)) continue;
      try {
        await this.reconcile(s);
      } catch (e) {
        this.#o.log.warn("cannot reconcile signed delivery", { secret: s.metadata.name, error: e });
      }
    }
  }

  /** Verifies one artifact Secret and writes the outcome. */
  async reconcile(secret: SecretObj): Promise<void> {
    const delivery = secret.metadata.name.slice(signedArtifactSecretPrefix(this.#o.clusterRef).length);
    const artifactB64 = secret.data?.artifact ?? "";
    const sigRaw = base64ToBytesStrict(secret.data?.signature ?? "");
    const artifact = base64ToBytesStrict(artifactB64);
    let verdict: Verdict;
    if (!artifact || artifactB64 === "") {
      verdict = { ok: false, code: "BadSignatureEncoding", reason: "the artifact is missing or not base64" };
    } else if (!sigRaw || sigRaw.length === 0) {
      verdict = { ok: false, code: "MissingSignature", reason: "the signature is missing or not base64" };
    } else {
      verdict = await this.#o.verifier.verifyBytes(
        "PackInstalled",
        delivery,
        artifact,
        bytesToBase64(sigRaw),
      );
    }
    const signature = sigRaw ? bytesToBase64(sigRaw) : "";
    let fields: Record<string, unknown> = {};
    if (verdict.ok && artifact) {
      try {
        const parsed = parseJsonLossless(new TextDecoder().decode(artifact)) as
          | Record<string, unknown>
          | null;
        const src = (parsed && typeof parsed.spec === "object" && parsed.spec)
          ? parsed.spec as Record<string, unknown>
          : parsed ?? {};
        fields = Object.fromEntries(
          _COPIED.filter((k) => typeof src[k] === "string" && src[k] !== "").map((k) => [k, src[k]]),
        );
      } catch { /* an unparsable artifact still gets a receipt with the reference fields */ }
    }
    await this.#write(delivery, secret.metadata.name, verdict, signature, fields);
  }

  async #write(
    delivery: string,
    secretName: string,
    verdict: Verdict,
    signature: string,
    fields: Record<string, unknown>,
  ) {
    const now = this.#o.clock.now();
    const path = kindPath("PackReceipt", this.#o.namespace, delivery);
    let receipt: KObject | undefined;
    try {
      receipt = await this.#o.local.get<KObject>(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!verdict.ok) {
      const conds = [
        { type: COND_VERIFIED, status: "False" as const, reason: REASON_SIG_FAILED, message: verdict.reason },
        { type: COND_DEGRADED, status: "True" as const, reason: REASON_SIG_FAILED, message: verdict.reason },
      ];
      if (receipt) {
        await patchStatusIfChanged(
          this.#o.local,
          path,
          receipt,
          { verified: false, signature, verificationFailedReason: verdict.reason },
          conds,
          now,
        );
      } else {
        await this.#markInstalled(delivery, verdict.reason, now);
      }
      return;
    }
    const spec = {
      packDeliveryRef: delivery,
      signatureRef: secretName,
      targetClusterRef: this.#o.clusterRef,
      clusterPackRef: String(fields.clusterPackRef ?? delivery),
      ...fields,
    };
    if (!receipt) {
      receipt = await this.#o.local.create<KObject>(kindPath("PackReceipt", this.#o.namespace), {
        apiVersion: apiVersionOf("PackReceipt"),
        kind: "PackReceipt",
        metadata: {
          name: delivery,
          namespace: this.#o.namespace,
          labels: { [LABEL_MANAGED_BY]: "conductor" },
        },
        spec,
      });
      this.#o.log.info("pack receipt created", { receipt: delivery });
    } else if (Object.entries(spec).some(([k, v]) => receipt!.spec?.[k] !== v)) {
      receipt = await this.#o.local.mergePatch<KObject>(path, { spec });
    }
    await this.#clearInstalled(delivery, now);
    await patchStatusIfChanged(this.#o.local, path, receipt, {
      verified: true,
      signature,
      verificationFailedReason: null,
    }, [
      { type: COND_VERIFIED, status: "True", reason: REASON_SIG_VERIFIED, message: "" },
      { type: COND_DEGRADED, status: "False", reason: REASON_SIG_VERIFIED, message: "" },
    ], now);
  }

  /** A PackInstalled marked degraded earlier is cleared once its artifact verifies. */
  async #clearInstalled(delivery: string, now: Date): Promise<void> {
    const path = kindPath("PackInstalled", tenantNamespace(this.#o.clusterRef), delivery);
    let pi: KObject;
    try {
      pi = await this.#o.mgmt.get<KObject>(path);
    } catch {
      return;
    }
    await clearSourceDegraded(this.#o.mgmt, `${path}/status`, pi, this.#o.clusterRef, now);
  }

  async #markInstalled(delivery: string, reason: string, now: Date): Promise<void> {
    const path = kindPath("PackInstalled", tenantNamespace(this.#o.clusterRef), delivery);
    let pi: KObject;
    try {
      pi = await this.#o.mgmt.get<KObject>(path);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    await markSourceDegraded(this.#o.mgmt, `${path}/status`, pi, this.#o.clusterRef, reason, now);
  }
}
