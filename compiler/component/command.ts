import type { Command } from "../command.ts";
import { withCompileReport } from "../report/hook.ts";
import { formatFlagHelp, splitCommaList } from "../../shared/go_flags.ts";
import { InputError } from "../../shared/errors.ts";

export const componentCommand: Command = withCompileReport({
  name: "component",
  summary: "RBACProfiles for third-party components (catalog, descriptor or --discover)",
  help: `Usage: compiler component (--component <name>... | --descriptor <file> | --discover) [flags]

Catalog mode renders RBACProfiles for the embedded catalog (cilium, cnpg, kueue, cert-manager,
local-path-provisioner); descriptor mode scaffolds from a component descriptor; --discover reads a
live cluster read-only and reports what it found.

  compiler component --component cilium --component kueue --namespace seam-tenant-x \\
      --target-clusters x --rbac-policy-ref x-policy --output profiles/
  compiler component --descriptor my-operator.yaml --output profiles/
  compiler component --discover [--namespace ns] [--kubeconfig path]

--output: a path ending in '/', an existing directory, or several profiles (catalog mode) write one
file per profile into that directory (created if missing: out/components/ → out/components/rbac-cilium.yaml);
otherwise, for a single profile, the path names the file. Without --output the profiles go to stdout.

Catalog: cert-manager v1.16, cilium v1.16, cnpg v1.24, kueue v0.9, local-path-provisioner v0.0.30.
The PermissionSets the profiles reference must exist before Guardian provisions them.`,
  flags: [
    { name: "component", kind: "list", value: "<name>", help: "catalog entry" },
    { name: "descriptor", kind: "string", value: "<path>", help: "component descriptor file" },
    { name: "discover", kind: "bool", help: "discovery report mode" },
    {
      name: "output",
      kind: "string",
      value: "<path>",
      help: "directory (trailing /, existing, or several profiles) or file (stdout when empty)",
    },
    {
      name: "namespace",
      kind: "string",
      value: "<ns>",
      help: "RBACProfile namespace (catalog) or namespace to scan (discover)",
    },
    {
      name: "target-clusters",
      kind: "string",
      value: "<a,b>",
      help: "comma list of target clusters (catalog)",
    },
    { name: "rbac-policy-ref", kind: "string", value: "<name>", help: "RBACPolicy name (catalog)" },
    { name: "kubeconfig", kind: "string", value: "<path>", help: "kubeconfig for --discover" },
  ],
  required: [],
  helpOnMissing: true,
  async run(flags, ctx) {
    const s = (n: string) => flags.strings.get(n);
    const components = flags.lists.get("component") ?? [];
    const descriptor = s("descriptor");
    if (components.length > 0 && descriptor) {
      throw new InputError("--component and --descriptor are mutually exclusive");
    }
    const sink = { stdout: ctx.stdout };
    if (flags.bools.get("discover")) {
      // Only --discover reads a cluster: the Kubernetes client loads on this path alone.
      const [{ loadKubeconfig }, { kubeDiscoverCluster, runDiscover }] = await Promise.all([
        import("../../shared/kubeconfig.ts"),
        import("./discover.ts"),
      ]);
      await runDiscover(
        () => {
          try {
            return kubeDiscoverCluster(
              loadKubeconfig({ flag: s("kubeconfig"), env: (n) => ctx.env(n) }).kubeConfig,
            );
          } catch (err) {
            throw new InputError(`build Kubernetes client: ${err instanceof Error ? err.message : err}`, {
              cause: err,
            });
          }
        },
        { namespace: s("namespace") ?? "", output: s("output") },
        ctx.cwd,
        sink,
      );
      return;
    }
    if (descriptor) {
      const { runDescriptor } = await import("./component.ts");
      const p = await runDescriptor(descriptor, s("output"), ctx.cwd, sink);
      if (p) ctx.stderr(`compiler component: wrote ${p}\n`);
      return;
    }
    if (components.length > 0) {
      const { runCatalog } = await import("./component.ts");
      const paths = await runCatalog(
        components,
        {
          namespace: s("namespace") ?? "",
          targetClusters: splitCommaList(s("target-clusters")),
          rbacPolicyRef: s("rbac-policy-ref") ?? "",
          output: s("output"),
        },
        ctx.cwd,
        sink,
      );
      for (const p of paths) ctx.stderr(`compiler component: wrote ${p}\n`);
      return;
    }
    throw new InputError(
      `no mode selected: give --component <name>, --descriptor <file> or --discover\n\n${componentCommand.help}\n\nFlags:\n${
        formatFlagHelp(componentCommand.flags)
      }`,
    );
  },
}, { inputFlags: ["descriptor"], credentialFlags: ["kubeconfig"] });
