/**
 * `compiler maintenance` (compiler.md §7): gates against the live management cluster, read-only,
 * fail-fast in the spec's order; any failed gate → exit 1 and nothing written. Then one
 * MaintenanceBundle CR, written atomically.
 */
import { resolve } from "node:path";
import { apiVersionOf, KIND_NAMES } from "../../schemas/mod.ts";
import { InputError, SeamError } from "../../shared/errors.ts";
import { writeTreeAtomically } from "../../shared/atomic_write.ts";
import { toYamlStream } from "../../shared/yaml_io.ts";
import type { MaintenanceCluster } from "./cluster.ts";

export const OPERATIONS = ["drain", "upgrade", "etcd-backup", "machineconfig-rotation"] as const;
export type Operation = (typeof OPERATIONS)[number];

export const LEADER_LEASE = "platform-leader";
export const LEADER_NAMESPACE = "seam-system";
export const S3_SECRET = "seam-etcd-backup-config";
export const S3_NAMESPACE = "seam-system";
export const CLUSTER_DEADLINE_MS = 30_000;

/** A failed gate: names the gate (`code` = gate id) and says what to do. */
export class GateError extends SeamError {
  override name = "GateError";
  readonly gate: string;
  constructor(gate: string, message: string, cause?: unknown) {
    super(`gate ${gate}: ${message}`, { code: "GateFailed", cause });
    this.gate = gate;
  }
}

export interface MaintenanceRequest {
  operation: string;
  cluster: string;
  output: string;
  targets: string[];
  namespace: string;
}

export function checkOperation(op: string): Operation {
  if (!(OPERATIONS as readonly string[]).includes(op)) {
    throw new InputError(
      `invalid --operation ${JSON.stringify(op)}: valid operations are ${OPERATIONS.join(", ")}`,
      { code: "OperationInvalid" },
    );
  }
  return op as Operation;
}

function _deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GateError(what, `no answer from the cluster within ${ms / 1000}s`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function _why(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0]!;
  return String(err);
}

async function _call<T>(gate: string, p: Promise<T>, deadlineAt: number): Promise<T> {
  try {
    return await _deadline(p, Math.max(0, deadlineAt - Date.now()), gate);
  } catch (err) {
    if (err instanceof GateError) throw err;
    throw new GateError(gate, `cannot read the cluster: ${_why(err)}`, err);
  }
}

export interface Resolved {
  operatorLeaderNode: string;
  s3ConfigSecretRef?: { name: string; namespace: string };
}

/** The gates of §7.2 steps 3–5, in order. */
export async function resolveGates(
  client: MaintenanceCluster,
  op: Operation,
  targets: readonly string[],
  deadlineMs = CLUSTER_DEADLINE_MS,
): Promise<Resolved> {
  const at = Date.now() + deadlineMs;
  const lease = await _call("leader-lease", client.getLease(LEADER_NAMESPACE, LEADER_LEASE), at);
  if (lease === null) {
    throw new GateError(
      "leader-lease",
      `Lease ${LEADER_NAMESPACE}/${LEADER_LEASE} not found: the Platform operator must be running on the management cluster`,
    );
  }
  const holder = lease.holderIdentity ?? "";
  if (holder === "") {
    throw new GateError(
      "leader-lease",
      `Lease ${LEADER_NAMESPACE}/${LEADER_LEASE} has no holder: no Platform leader is elected`,
    );
  }
  const podName = holder.split("_")[0]!;
  const pod = await _call("leader-pod", client.getPod(LEADER_NAMESPACE, podName), at);
  if (pod === null) {
    throw new GateError(
      "leader-pod",
      `leader Pod ${LEADER_NAMESPACE}/${podName} (holder of Lease ${LEADER_LEASE}) not found: the lease is stale`,
    );
  }
  if (!pod.nodeName) {
    throw new GateError("leader-pod", `leader Pod ${LEADER_NAMESPACE}/${podName} is not scheduled on a node`);
  }
  const out: Resolved = { operatorLeaderNode: pod.nodeName };
  if (op === "etcd-backup") {
    if (!(await _call("s3-config", client.secretExists(S3_NAMESPACE, S3_SECRET), at))) {
      throw new GateError(
        "s3-config",
        `Secret ${S3_NAMESPACE}/${S3_SECRET} not found: create the S3 configuration Secret before an etcd-backup`,
      );
    }
    out.s3ConfigSecretRef = { name: S3_SECRET, namespace: S3_NAMESPACE };
  }
  for (const node of targets) {
    if (!(await _call("target-nodes", client.nodeExists(node), at))) {
      throw new GateError(
        "target-nodes",
        `target node ${JSON.stringify(node)} does not exist in the cluster`,
      );
    }
  }
  return out;
}

export function maintenanceBundle(
  req: { cluster: string; namespace: string; targets: readonly string[] },
  op: Operation,
  r: Resolved,
): Record<string, unknown> {
  const spec: Record<string, unknown> = { clusterRef: { name: req.cluster }, operation: op };
  if (req.targets.length > 0) spec.maintenanceTargetNodes = [...req.targets];
  spec.operatorLeaderNode = r.operatorLeaderNode;
  if (r.s3ConfigSecretRef) spec.s3ConfigSecretRef = r.s3ConfigSecretRef;
  return {
    apiVersion: apiVersionOf("MaintenanceBundle"),
    kind: KIND_NAMES.MaintenanceBundle.kind,
    metadata: { name: `${req.cluster}-${op}`, namespace: req.namespace },
    spec,
  };
}

export function fileNameOf(cluster: string, op: string): string {
  return `${cluster}-${op}.yaml`;
}

/** Runs the gates with `connect()` (called only after the operation is valid) and writes the CR. */
export async function runMaintenance(
  req: MaintenanceRequest,
  cwd: string,
  connect: () => MaintenanceCluster,
  deadlineMs = CLUSTER_DEADLINE_MS,
): Promise<string> {
  const op = checkOperation(req.operation);
  if (req.cluster.includes("/") || req.cluster === "." || req.cluster === "..") {
    throw new InputError(`invalid --cluster ${JSON.stringify(req.cluster)}`);
  }
  const client = connect();
  const resolved = await resolveGates(client, op, req.targets, deadlineMs);
  const cr = maintenanceBundle(req, op, resolved);
  const name = fileNameOf(req.cluster, op);
  const text = toYamlStream([cr], [
    `MaintenanceBundle ${op} for cluster ${req.cluster}; scheduling context read from the management cluster.`,
    `operatorLeaderNode is where the ${LEADER_LEASE} holder ran at compile time.`,
  ]);
  await writeTreeAtomically(resolve(cwd, req.output), new Map([[name, text]]));
  return `${req.output.replace(/\/+$/, "")}/${name}`;
}
