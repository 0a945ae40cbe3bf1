// Leader election of real agents (`deno run -P=conductor conductor/main.ts agent`, ServiceAccount
// kubeconfig with only the RBAC the management role needs) on a real kube-apiserver:
// one leader, fencing of a paused leader, takeover within the lease duration, release on SIGTERM,
// capability manifest with the leader identity in RunnerConfig status.
import { assert, assertEquals } from "../shared/testing/asserts.ts";
import { EXECUTE_CAPABILITIES } from "../shared/capabilities.ts";
import { SEAM_VERSION } from "../shared/version.ts";
import { apiVersionOf } from "../schemas/names.ts";
import { saKubeconfig, startCluster } from "./cluster/mod.ts";
import {
  AgentProc,
  deniedNeeds,
  enableConductorRbac,
  eventually,
  installCrds,
  kpath,
  managementNeeds,
  namespaces,
  needText,
  runCompilerEnable,
} from "./agent_support_test.ts";
import { apply } from "./cluster/mod.ts";

const CLUSTER = "mgmt1";
const NS = "ont-system";
const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/conductor-${CLUSTER}`;

type Lease = { spec: { holderIdentity?: string; leaseTransitions?: number } };
type RC = {
  status?: {
    agentLeader?: string;
    agentVersion?: string;
    capabilities?: { name: string; version: string }[];
  };
};

Deno.test({
  name: "e2e agent leader election: one writer, fenced when paused, takeover, release on SIGTERM",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const mgmt = await startCluster({ name: "agent-leader" });
    const agents: AgentProc[] = [];
    const dir = await Deno.makeTempDir({ prefix: "agent-leader-" });
    try {
      await installCrds(mgmt);
      await namespaces(mgmt, [NS, `seam-tenant-${CLUSTER}`]);
      // The agents run as ont-system/conductor with exactly the RBAC `compiler enable` emits.
      const sa = { namespace: NS, name: "conductor" };
      const bundle = await runCompilerEnable(`${dir}/enable`, ["--cluster-name", CLUSTER]);
      await apply(mgmt.client, await enableConductorRbac(bundle), { fieldManager: "compiler-enable" });
      const kubeconfig = await saKubeconfig(mgmt, NS, "conductor", { create: false });
      assertEquals(
        (await deniedNeeds(mgmt, sa, managementNeeds(CLUSTER, []))).map(needText),
        [],
        "enable's management RBAC is short",
      );
      await mgmt.client.post(kpath("RunnerConfig", NS), {
        apiVersion: apiVersionOf("RunnerConfig"),
        kind: "RunnerConfig",
        metadata: { name: CLUSTER, namespace: NS },
        spec: { clusterRef: CLUSTER, runnerImage: "conductor-exec:v1.10.0" },
      }).catch((e) => {
        throw new Error(`cannot create the RunnerConfig: ${e}`);
      });
      const env = {
        CONDUCTOR_ROLE: "management",
        CLUSTER_REF: CLUSTER,
        POD_NAMESPACE: NS,
        KUBECONFIG: kubeconfig,
        CONDUCTOR_LOOP_INTERVAL_MS: "1000",
      };
      const holder = async () => (await mgmt.client.get<Lease>(LEASE)).spec.holderIdentity ?? "";
      const rc = () => mgmt.client.get<RC>(kpath("RunnerConfig", NS, CLUSTER));
      const a = new AgentProc("agent-a", env);
      agents.push(a);
      const b = new AgentProc("agent-b", env);
      agents.push(b);
      const byName = (n: string) => agents.find((x) => x.name === n)!;
      let leader!: AgentProc, follower!: AgentProc;

      await t.step(
        "exactly one leader; both ready; the leader publishes capabilities and its identity",
        async () => {
          const h = await eventually("a lease holder", 60_000, async () => (await holder()) || undefined);
          leader = byName(h);
          follower = h === "agent-a" ? b : a;
          await eventually(
            "both agents ready",
            60_000,
            async () => (await leader.readyz()) === 200 && (await follower.readyz()) === 200,
          );
          const st = await eventually("RunnerConfig status", 30_000, async () => {
            const s = (await rc()).status;
            return s?.agentLeader === leader.name ? s : undefined;
          });
          assertEquals(st.agentVersion, SEAM_VERSION);
          assertEquals(
            st.capabilities!.map((c) => c.name),
            [...EXECUTE_CAPABILITIES].sort(),
          );
          assert(st.capabilities!.every((c) => c.version === SEAM_VERSION));
          assert(
            !follower.lines.some((l) => l.msg === "kube write"),
            `the follower wrote:\n${follower.dump()}`,
          );
          assert((await leader.metrics()).includes(`conductor_leader{identity="${leader.name}"} 1`));
        },
      );

      await t.step(
        "a paused leader is fenced: the other takes over within the lease duration, the old one writes nothing",
        async () => {
          leader.kill("SIGSTOP");
          const stoppedAt = Date.now();
          await eventually("takeover", 25_000, async () => (await holder()) === follower.name);
          const took = (Date.now() - stoppedAt) / 1000;
          // lease duration 15 s, measured from the follower's last observation, + one retry period (2 s)
          assert(took <= 17 + 2, `takeover took ${took}s`);
          await eventually(
            "new leader in RunnerConfig",
            20_000,
            async () => (await rc()).status?.agentLeader === follower.name,
          );
          const resumedAt = Date.now();
          leader.kill("SIGCONT");
          const status = await Promise.race([
            leader.done,
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000)),
          ]);
          assert(status, `the old leader did not exit after losing the lease:\n${leader.dump()}`);
          assertEquals(status.code, 1, leader.dump());
          const late = leader.lines.filter((l) => l.at >= resumedAt && l.msg === "kube write");
          assertEquals(late, [], `the old leader wrote after resuming:\n${leader.dump()}`);
          assert(leader.lines.some((l) => l.msg === "lost leadership, entering standby"), leader.dump());
          assertEquals(await holder(), follower.name);
          assertEquals((await rc()).status?.agentLeader, follower.name);
        },
      );

      await t.step("SIGTERM releases the lease: a standby takes over at its next retry; exit 0", async () => {
        const c = new AgentProc("agent-c", env);
        agents.push(c);
        await eventually("agent-c ready as follower", 60_000, async () => (await c.readyz()) === 200);
        const t0 = Date.now();
        const st = await follower.stop();
        assertEquals(st.code, 0, follower.dump());
        assert(follower.lines.some((l) => l.msg === "released the lease"), follower.dump());
        await eventually("agent-c leads", 15_000, async () => (await holder()) === "agent-c");
        assert((Date.now() - t0) / 1000 < 15, "takeover after release must not wait for the lease duration");
        await eventually(
          "agent-c in RunnerConfig",
          20_000,
          async () => (await rc()).status?.agentLeader === "agent-c",
        );
        const lease = await mgmt.client.get<Lease>(LEASE);
        assert((lease.spec.leaseTransitions ?? 0) >= 2, JSON.stringify(lease));
      });
    } finally {
      for (const ag of agents) {
        ag.kill("SIGCONT");
        await ag.stop();
      }
      await mgmt.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
