/**
 * @seam-boundary talos-api
 *
 * `etcd-backup` (conductor.md §10.6): EtcdMaintenance `operation=backup` in `seam-tenant-{clusterRef}`
 * → Talos `EtcdSnapshot` streamed to a temporary file (D-X26: never buffered in memory, uploaded with a
 * known length) → S3 PutObject. Steps `etcd-snapshot`, `s3-upload`; artifact
 * `{etcd-snapshot, S3Object, s3://<bucket>/<key>}`. No node targeting (the endpoint answers; it must be
 * a control plane).
 *
 * Clients: talos (from `TALOSCONFIG_PATH`), storage (an S3 uploader) and the management cluster. A
 * missing one → `ValidationFailure` naming it, before any side effect. This build has **no S3
 * client** yet: the default handler therefore reports the storage client as absent; tests and a
 * later S3 client inject one through {@link makeEtcdBackup}.
 */
import { failureResult, type OperationResult, successResult } from "../../../shared/operation_result.ts";
import { isNotFound, type KubeClient } from "../../agent/kube_client.ts";
import type { Handler, HandlerContext } from "../types.ts";
import { TalosClient } from "./client.ts";

export const CAPABILITY = "etcd-backup";
const GROUP_VERSION = "seam.ontai.dev/v1alpha1";

/** Uploads a file of known length (§10.5: single PutObject). */
export interface SnapshotUploader {
  put(o: { bucket: string; key: string; path: string; length: number }): Promise<void>;
}

export interface EtcdBackupDeps {
  /** The Talos client; undefined when `TALOSCONFIG_PATH` is unset. */
  talos(ctx: HandlerContext): Promise<TalosClient | undefined>;
  /** The S3 uploader; undefined when `S3_REGION` is unset (or no S3 client is built in). */
  storage(ctx: HandlerContext): Promise<SnapshotUploader | undefined>;
  /** Directory for the temporary snapshot file (default: the system temp dir). */
  tmpDir?: string;
}

interface EtcdMaintenance {
  metadata?: { name?: string };
  spec?: { operation?: string; s3Destination?: { bucket?: string; key?: string } };
}

/** `YYYYMMDDTHHMMSSZ` (UTC). */
export function compactUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export const defaultEtcdBackupDeps: EtcdBackupDeps = {
  talos: async (ctx) => {
    const path = ctx.env("TALOSCONFIG_PATH");
    return path ? await TalosClient.fromFile(path) : undefined;
  },
  // No S3 client is part of this build yet (conductor.md §9.2 step 4).
  storage: () => Promise.resolve(undefined),
};

async function findCr(ctx: HandlerContext, kube: KubeClient): Promise<EtcdMaintenance | undefined> {
  const base = `/apis/${GROUP_VERSION}/namespaces/seam-tenant-${ctx.clusterRef}/etcdmaintenances`;
  const name = ctx.env("OPERATION_CR_NAME");
  if (name) {
    try {
      const cr = await kube.get<EtcdMaintenance>(`${base}/${encodeURIComponent(name)}`);
      return cr.spec?.operation === "backup" ? cr : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
  ctx.log.warn("OPERATION_CR_NAME is not set; using the first EtcdMaintenance with operation=backup (D-X10)");
  const list = await kube.list<EtcdMaintenance>(base);
  return list.items.find((i) => i.spec?.operation === "backup");
}

export function makeEtcdBackup(deps: EtcdBackupDeps = defaultEtcdBackupDeps): Handler {
  return async (ctx: HandlerContext): Promise<OperationResult> => {
    const base = { capability: CAPABILITY, startedAt: ctx.startedAt, clock: ctx.clock };
    const fail = (
      category: "ValidationFailure" | "ExecutionFailure" | "ExternalDependencyFailure",
      reason: string,
      extra: {
        failedStep?: string;
        steps?: {
          name: string;
          status: "Succeeded" | "Failed";
          startedAt?: Date;
          completedAt?: Date;
          message?: string;
        }[];
      } = {},
    ) => failureResult({ ...base, category, reason, ...extra });

    // Required clients, before any side effect (§10.0.2).
    const missing: string[] = [];
    let talos: TalosClient | undefined;
    let storage: SnapshotUploader | undefined;
    let kube: KubeClient | undefined;
    try {
      talos = await deps.talos(ctx);
    } catch (e) {
      return fail("ValidationFailure", `talos client: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      if (!talos) missing.push("talos (TALOSCONFIG_PATH)");
      storage = await deps.storage(ctx);
      if (!storage) {
        missing.push(
          ctx.env("S3_REGION")
            ? "storage (S3_REGION is set, but this build has no S3 client)"
            : "storage (S3_REGION unset)",
        );
      }
      try {
        kube = await ctx.clients.management();
      } catch {
        missing.push("dynamic (management cluster)");
      }
      if (missing.length > 0 || !talos || !storage || !kube) {
        return fail(
          "ValidationFailure",
          `etcd-backup requires clients that are absent: ${missing.join(", ")}`,
        );
      }

      let cr: EtcdMaintenance | undefined;
      try {
        cr = await findCr(ctx, kube);
      } catch (e) {
        return fail(
          "ExternalDependencyFailure",
          `reading EtcdMaintenance: ${e instanceof Error ? e.message : e}`,
        );
      }
      if (!cr) {
        return fail(
          "ValidationFailure",
          `no EtcdMaintenance with operation=backup in seam-tenant-${ctx.clusterRef}`,
        );
      }
      const bucket = cr.spec?.s3Destination?.bucket ?? "";
      if (bucket === "") {
        return fail("ValidationFailure", "EtcdMaintenance spec.s3Destination.bucket is empty");
      }
      const key = cr.spec?.s3Destination?.key ||
        `etcd-backup-${ctx.clusterRef}-${compactUtc(ctx.startedAt)}.snapshot`;

      const path = await Deno.makeTempFile({
        ...(deps.tmpDir ? { dir: deps.tmpDir } : {}),
        suffix: ".snapshot",
      });
      try {
        const snapStart = ctx.clock.now();
        let length: number;
        try {
          const file = await Deno.open(path, { write: true, truncate: true });
          length = (await talos.etcdSnapshot(file.writable)).bytes;
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return fail("ExecutionFailure", `etcd snapshot failed: ${message}`, {
            failedStep: "etcd-snapshot",
            steps: [{
              name: "etcd-snapshot",
              status: "Failed",
              startedAt: snapStart,
              completedAt: ctx.clock.now(),
              message,
            }],
          });
        }
        const snapStep = {
          name: "etcd-snapshot",
          status: "Succeeded" as const,
          startedAt: snapStart,
          completedAt: ctx.clock.now(),
          message: `${length} bytes`,
        };
        const upStart = ctx.clock.now();
        try {
          await storage.put({ bucket, key, path, length });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return fail("ExternalDependencyFailure", `upload to s3://${bucket}/${key} failed: ${message}`, {
            failedStep: "s3-upload",
            steps: [snapStep, {
              name: "s3-upload",
              status: "Failed",
              startedAt: upStart,
              completedAt: ctx.clock.now(),
              message,
            }],
          });
        }
        return successResult({
          ...base,
          artifacts: [{
            name: "etcd-snapshot",
            kind: "S3Object",
            reference: `s3://${bucket}/${key}`,
            checksum: "",
          }],
          steps: [snapStep, {
            name: "s3-upload",
            status: "Succeeded",
            startedAt: upStart,
            completedAt: ctx.clock.now(),
          }],
        });
      } finally {
        await Deno.remove(path).catch(() => {});
      }
    } finally {
      talos?.close();
    }
  };
}

/** The registry's handler (conductor/execute/registry.ts). */
export const etcdBackup: Handler = makeEtcdBackup();
