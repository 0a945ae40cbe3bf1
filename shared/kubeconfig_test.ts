import { assert, assertEquals, assertStringIncludes, assertThrows } from "./testing/asserts.ts";
import { InputError } from "./errors.ts";
import { kubeClientFrom, loadKubeconfig, resolveKubeconfigPath } from "./kubeconfig.ts";

const GOOD = `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: https://10.20.0.10:6443
    certificate-authority: ca.crt
contexts:
- name: admin@lab
  context: {cluster: lab, user: admin}
current-context: admin@lab
users:
- name: admin
  user: {token: abc}
`;

function envOf(vars: Record<string, string>): (n: string) => string | undefined {
  return (n) => vars[n];
}

Deno.test("resolution order: flag, then env, then $HOME/.kube/config", () => {
  const env = envOf({ KUBECONFIG: "/env/kc", HOME: "/home/u/" });
  assertEquals(resolveKubeconfigPath({ flag: "/flag/kc", env }), {
    path: "/flag/kc",
    source: "flag",
    origin: "--kubeconfig",
  });
  assertEquals(resolveKubeconfigPath({ flag: "", env }), {
    path: "/env/kc",
    source: "env",
    origin: "env KUBECONFIG",
  });
  assertEquals(resolveKubeconfigPath({ env: envOf({ HOME: "/home/u" }) }).path, "/home/u/.kube/config");
  assertEquals(resolveKubeconfigPath({ env: envOf({ HOME: "/home/u/" }) }).path, "/home/u/.kube/config");
});

Deno.test("a colon-separated KUBECONFIG is one path (upstream does not split)", () => {
  assertEquals(resolveKubeconfigPath({ env: envOf({ KUBECONFIG: "/a:/b" }) }).path, "/a:/b");
});

Deno.test("custom env var and fallback (execute mode, MGMT_KUBECONFIG_PATH)", () => {
  const r = resolveKubeconfigPath({
    envVar: "MGMT_KUBECONFIG_PATH",
    env: envOf({ KUBECONFIG: "/x" }),
    fallback: "/var/run/secrets/kubeconfig/value",
  });
  assertEquals(r, { path: "/var/run/secrets/kubeconfig/value", source: "default", origin: "default path" });
});

Deno.test("no flag, no env, no HOME is an InputError naming every source", () => {
  const e = assertThrows(() => resolveKubeconfigPath({ env: envOf({}) }), InputError);
  assertStringIncludes(e.message, "--kubeconfig");
  assertStringIncludes(e.message, "KUBECONFIG");
  assertStringIncludes(e.message, "HOME");
});

Deno.test("kubeClientFrom loads a temp kubeconfig, current context, absolute cert paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config`;
    await Deno.writeTextFile(path, GOOD);
    const kc = kubeClientFrom(path);
    assertEquals(kc.getCurrentContext(), "admin@lab");
    assertEquals(kc.getCurrentCluster()?.server, "https://10.20.0.10:6443");
    assertEquals(kc.getCurrentCluster()?.caFile, `${dir}/ca.crt`);
    const loaded = loadKubeconfig({ env: envOf({ KUBECONFIG: path }) });
    assertEquals([loaded.source, loaded.path], ["env", path]);
    assertEquals(loaded.kubeConfig.getCurrentUser()?.name, "admin");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("missing, unparsable and unusable kubeconfigs are InputErrors naming path and source", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = assertThrows(() => loadKubeconfig({ flag: `${dir}/nope` }), InputError);
    assertStringIncludes(missing.message, `"${dir}/nope"`);
    assertStringIncludes(missing.message, "from --kubeconfig");
    assertStringIncludes(missing.message, "file not found");

    await Deno.writeTextFile(`${dir}/bad`, "clusters: [\n");
    const bad = assertThrows(() => loadKubeconfig({ env: envOf({ KUBECONFIG: `${dir}/bad` }) }), InputError);
    assertStringIncludes(bad.message, "from env KUBECONFIG");
    assertStringIncludes(bad.message, "cannot parse");

    await Deno.writeTextFile(`${dir}/empty`, "");
    assertThrows(() => kubeClientFrom(`${dir}/empty`, "test"), InputError, "(from test)");

    await Deno.writeTextFile(`${dir}/noctx`, GOOD.replace("current-context: admin@lab\n", ""));
    assertThrows(() => kubeClientFrom(`${dir}/noctx`), InputError, "no current-context");

    await Deno.writeTextFile(
      `${dir}/wrongctx`,
      GOOD.replace("current-context: admin@lab", "current-context: other"),
    );
    assertThrows(() => kubeClientFrom(`${dir}/wrongctx`), InputError, '"other" is not defined');

    const e = assertThrows(() => kubeClientFrom(dir), InputError, "not a regular file");
    assert(e.code === "KubeconfigInvalid");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
