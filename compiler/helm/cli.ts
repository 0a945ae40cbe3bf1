// A `helm template`-compatible command line (DECISIONS.md "A helm-compatible entry for the Helm engine").
// Usage: deno run -R compiler/helm/cli.ts template [NAME] CHART [flags]

import {
  HelmError,
  mergeUserValues,
  type RenderChartOptions,
  renderNameTemplate,
  templateChart,
} from "./mod.ts";
import { ChartLoadError, loadChart, loadChartBytes } from "./chart/loader.ts";
import { type ChartSourceOptions, fetchRemoteChart, isRemoteChartRef } from "./chart/sources.ts";
import { parseKubeVersion } from "./render.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const STRING_FLAGS: Record<string, string> = {
  "--set": "set",
  "--set-string": "setString",
  "--set-file": "setFile",
  "--set-json": "setJson",
  "--set-literal": "setLiteral",
  "-f": "values",
  "--values": "values",
  "-n": "namespace",
  "--namespace": "namespace",
  "--kube-version": "kubeVersion",
  "-a": "apiVersions",
  "--api-versions": "apiVersions",
  "-s": "showOnly",
  "--show-only": "showOnly",
  "--name-template": "nameTemplate",
  "--version": "version",
  "--output-dir": "outputDir",
  "--post-renderer": "postRenderer",
  "--post-renderer-args": "postRendererArgs",
  "--repo": "repo",
  "--username": "username",
  "--password": "password",
  "--ca-file": "caFile",
  "--cert-file": "certFile",
  "--key-file": "keyFile",
  "--description": "description",
  "--labels": "labels",
  "--timeout": "timeout",
  "--kube-context": "kubeContext",
  "--kubeconfig": "kubeconfig",
};
const BOOL_FLAGS: Record<string, string> = {
  "--include-crds": "includeCrds",
  "--skip-crds": "skipCrds",
  "--no-hooks": "noHooks",
  "--skip-tests": "skipTests",
  "--is-upgrade": "isUpgrade",
  "--skip-schema-validation": "skipSchemaValidation",
  "--debug": "debug",
  "-g": "generateName",
  "--generate-name": "generateName",
  "--devel": "devel",
  "--validate": "validate",
  "--release-name": "releaseNameFlag",
  "--render-subchart-notes": "subNotes",
  "--enable-dns": "enableDns",
  "--dry-run": "dryRun",
  "--atomic": "atomic",
  "--wait": "wait",
  "--create-namespace": "createNamespace",
  "--dependency-update": "dependencyUpdate",
  "--disable-openapi-validation": "disableOpenapi",
  "--hide-secret": "hideSecret",
  "--pass-credentials": "passCredentials",
  "--plain-http": "plainHttp",
  "--insecure-skip-tls-verify": "insecureSkipTlsVerify",
  "--verify": "verify",
};
const LIST_KEYS = new Set([
  "set",
  "setString",
  "setFile",
  "setJson",
  "setLiteral",
  "values",
  "apiVersions",
  "showOnly",
]);

class UsageError extends Error {}

function parseArgs(argv: string[]): { pos: string[]; flags: Record<string, unknown> } {
  const pos: string[] = [];
  const flags: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    if (LIST_KEYS.has(k)) {
      const l = (flags[k] as string[] | undefined) ?? [];
      // pflag StringSlice (api-versions, show-only) splits on commas; StringArray (set, values) does not
      if (k === "apiVersions" || k === "showOnly" || k === "values") l.push(...String(v).split(","));
      else l.push(String(v));
      flags[k] = l;
    } else flags[k] = v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      pos.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      pos.push(a);
      continue;
    }
    let name = a, val: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      name = a.slice(0, eq);
      val = a.slice(eq + 1);
    } else if (!a.startsWith("--") && a.length > 2) {
      name = a.slice(0, 2);
      val = a.slice(2).replace(/^=/, "");
    }
    if (name in BOOL_FLAGS) {
      put(BOOL_FLAGS[name]!, val === undefined ? true : val === "true" || val === "1");
      continue;
    }
    if (name in STRING_FLAGS) {
      if (val === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: ${name}`);
        val = argv[++i]!;
      }
      put(STRING_FLAGS[name]!, val);
      continue;
    }
    throw new UsageError(`unknown flag: ${name}`);
  }
  return { pos, flags };
}

function resolve(cwd: string | undefined, p: string): string {
  if (!cwd || p.startsWith("/") || /^[a-z]+:\/\//.test(p)) return p;
  return cwd.replace(/\/+$/, "") + "/" + p;
}

/** Run `helm <args>` in-process. */
export async function runHelmCli(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  let stderr = "";
  const fail = (msg: string): CliResult => ({ code: 1, stdout: "", stderr: stderr + `Error: ${msg}\n` });
  if (args[0] !== "template") return fail(`unknown command "${args[0] ?? ""}" for "helm"`);
  let parsed;
  try {
    parsed = parseArgs(args.slice(1));
  } catch (e) {
    return fail((e as Error).message);
  }
  const { pos, flags } = parsed;
  if (pos.length < 1) {
    return fail(
      `"helm template" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]`,
    );
  }
  if (pos.length > 2) {
    return fail(`expected at most two arguments, unexpected arguments: ${pos.slice(2).join(", ")}`);
  }
  let name: string, chartPath: string;
  if (pos.length === 2) {
    if (flags.generateName) return fail("cannot set --generate-name and also specify a name");
    if (flags.nameTemplate) return fail("cannot set --name-template and also specify a name");
    [name, chartPath] = pos as [string, string];
  } else {
    chartPath = pos[0]!;
    if (flags.nameTemplate) {
      try {
        name = renderNameTemplate(flags.nameTemplate as string);
      } catch (e) {
        return fail((e as Error).message);
      }
    } else name = "release-name";
  }
  let kubeVersion: string | undefined;
  if (flags.kubeVersion !== undefined) {
    try {
      parseKubeVersion(flags.kubeVersion as string);
      kubeVersion = flags.kubeVersion as string;
    } catch (e) {
      return fail(
        `invalid kube version '${flags.kubeVersion}': ${(e as Error).message.replace(/^.*: /, "")}`,
      );
    }
  }
  const ro: RenderChartOptions = {
    releaseName: name,
    namespace: (flags.namespace as string | undefined) ?? "default",
    apiVersions: (flags.apiVersions as string[] | undefined) ?? [],
    includeCrds: flags.includeCrds === true,
    skipCrds: flags.skipCrds === true,
    noHooks: flags.noHooks === true,
    skipTests: flags.skipTests === true,
    isUpgrade: flags.isUpgrade === true,
    skipSchemaValidation: flags.skipSchemaValidation === true,
    showOnly: (flags.showOnly as string[] | undefined) ?? [],
    set: (flags.set as string[] | undefined) ?? [],
    setString: (flags.setString as string[] | undefined) ?? [],
    setJson: (flags.setJson as string[] | undefined) ?? [],
    setLiteral: (flags.setLiteral as string[] | undefined) ?? [],
    setFile: (flags.setFile as string[] | undefined) ?? [],
    readFile: (p) => Deno.readTextFileSync(resolve(opts.cwd, p)),
  };
  if (kubeVersion !== undefined) ro.kubeVersion = kubeVersion;
  try {
    const files: { name: string; text: string }[] = [];
    for (const f of (flags.values as string[] | undefined) ?? []) {
      let text: string;
      try {
        text = await Deno.readTextFile(resolve(opts.cwd, f));
      } catch {
        return fail(`open ${f}: no such file or directory`);
      }
      files.push({ name: f, text });
    }
    const vals = mergeUserValues(ro, files);
    let chart;
    const src: ChartSourceOptions = {
      version: flags.version as string | undefined,
      devel: flags.devel === true,
      repo: flags.repo as string | undefined,
      username: flags.username as string | undefined,
      password: flags.password as string | undefined,
      passCredentials: flags.passCredentials === true,
      plainHttp: flags.plainHttp === true,
    };
    const remote = isRemoteChartRef(chartPath, src);
    const cp = resolve(opts.cwd, chartPath);
    if (!remote) {
      try {
        await Deno.stat(cp);
      } catch {
        return fail(`path "${chartPath}" not found`);
      }
    }
    try {
      chart = remote
        ? await loadChartBytes((await fetchRemoteChart(chartPath, src)).bytes)
        : await loadChart(cp);
    } catch (e) {
      if (e instanceof ChartLoadError) return fail(e.message);
      throw e;
    }
    if (chart.meta.Deprecated) stderr += "WARNING: This chart is deprecated\n";
    const res = templateChart(chart, vals, ro);
    return { code: 0, stdout: res.text, stderr };
  } catch (e) {
    if (e instanceof HelmError) {
      if (e.render && !flags.debug) {
        return fail(`${e.message}\n\nUse --debug flag to render out invalid YAML`);
      }
      if (e.render) {
        // template.go: with --debug the (partial) release manifest is still printed, then the error.
        const r = fail(e.message);
        return { ...r, stdout: e.debugManifest.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "") + "\n" };
      }
      return fail(e.message);
    }
    return fail(String((e as Error)?.stack ?? e));
  }
}

if (import.meta.main) {
  const r = await runHelmCli(Deno.args);
  if (r.stdout) await Deno.stdout.write(new TextEncoder().encode(r.stdout));
  if (r.stderr) await Deno.stderr.write(new TextEncoder().encode(r.stderr));
  Deno.exit(r.code);
}
