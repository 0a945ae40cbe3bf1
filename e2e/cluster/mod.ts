// Public API of the e2e cluster harness (test infrastructure; spawns processes).
export { type Binaries, cacheRoot, ensureBinaries, ETCD_VERSION, K8S_VERSION } from "./build.ts";
export { KubeApiError, KubeClient } from "./client.ts";
export { type ClusterAccess, loadKubeconfig, writeKubeconfig } from "./kubeconfig.ts";
export { Discovery, type ResourceInfo, resourcePath } from "./discovery.ts";
export { apply, type ApplyOptions, type KubeObject, parseManifests } from "./apply.ts";
export { mintToken, saKubeconfig, type SaKubeconfigOptions } from "./serviceaccount.ts";
export {
  attachCluster,
  type Cluster,
  type Clusters,
  startCluster,
  startClusters,
  type StartOptions,
} from "./launcher.ts";
export { groupMembers } from "./proc.ts";
export { freePorts, isPortFree } from "./ports.ts";
export {
  CONDUCTOR_JOB_SELECTOR,
  type JobRun,
  type JobRunner,
  type JobRunnerOptions,
  rewriteMountPaths,
  startJobRunner,
  waitForJobFinished,
} from "./job_runner.ts";
