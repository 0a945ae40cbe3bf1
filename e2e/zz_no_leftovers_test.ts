/**
 * Runs last (files run in name order): after every e2e suite has stopped what it started, no
 * process of ours may be left — no kube-apiserver, kube-controller-manager or etcd from the e2e
 * binary cache, no test registry, no conductor started from this checkout.
 */
import { assertEquals } from "../shared/testing/asserts.ts";
import { cacheRoot } from "./cluster/mod.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

interface Proc {
  pid: number;
  cmdline: string;
  cwd: string;
}

function _processes(): Proc[] {
  const out: Proc[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const pid = Number(e.name);
    if (pid === Deno.pid) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ").trim();
      let cwd = "";
      try {
        cwd = Deno.readLinkSync(`/proc/${pid}/cwd`);
      } catch { /* exited or not ours to read */ }
      if (cmdline) out.push({ pid, cmdline, cwd });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Which of the given processes the e2e suites would have started. */
export function leftovers(procs: readonly Proc[], cache: string, repo: string): Proc[] {
  return procs.filter((p) =>
    p.cmdline.includes(`${cache}/bin/`) ||
    /docker-registry serve \/tmp\//.test(p.cmdline) ||
    (/\bconductor\/main\.ts (agent|execute)\b/.test(p.cmdline) &&
      (p.cwd === repo || p.cmdline.includes(repo)))
  );
}

Deno.test("leftover detection recognises what the suites start", () => {
  const cache = "/c";
  const procs: Proc[] = [
    { pid: 1, cmdline: "/c/bin/k8s-v1.34.4/kube-apiserver --etcd-servers=x", cwd: "/" },
    { pid: 2, cmdline: "/usr/bin/docker-registry serve /tmp/reg-1/config.yml", cwd: "/" },
    { pid: 3, cmdline: "/usr/bin/docker-registry serve /etc/docker/registry/config.yml", cwd: "/" },
    { pid: 4, cmdline: "deno run -P=conductor conductor/main.ts agent", cwd: "/repo" },
    { pid: 5, cmdline: "deno run -P=conductor conductor/main.ts agent", cwd: "/elsewhere" },
  ];
  assertEquals(leftovers(procs, cache, "/repo").map((p) => p.pid), [1, 2, 4]);
});

Deno.test("no process started by the e2e suites is left running", async () => {
  // Give processes that were just signalled a moment to be reaped.
  let left: Proc[] = [];
  for (let i = 0; i < 20; i++) {
    left = leftovers(_processes(), cacheRoot(), REPO);
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assertEquals(left.map((p) => `${p.pid}: ${p.cmdline}`), []);
});
