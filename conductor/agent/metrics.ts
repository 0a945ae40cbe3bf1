/**
 * In-process metrics in the Prometheus text format: counters and duration summaries (`_sum`,
 * `_count`) keyed by label sets. Telemetry sits beside the code it measures (DESIGN habit 10).
 */

type Labels = Readonly<Record<string, string>>;

function _key(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}="${_esc(labels[k]!)}"`).join(",");
}
function _esc(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

interface Family {
  help: string;
  type: "counter" | "summary";
  series: Map<string, { sum: number; count: number }>;
}

export class Metrics {
  readonly #families = new Map<string, Family>();

  #family(name: string, help: string, type: Family["type"]): Family {
    let f = this.#families.get(name);
    if (!f) {
      f = { help, type, series: new Map() };
      this.#families.set(name, f);
    }
    return f;
  }

  /** Adds `by` to a counter. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const s = this.#family(name, help, "counter").series;
    const k = _key(labels);
    const cur = s.get(k) ?? { sum: 0, count: 0 };
    cur.sum += by;
    s.set(k, cur);
  }

  /** Records one duration (seconds). */
  observe(name: string, help: string, labels: Labels, seconds: number): void {
    const s = this.#family(name, help, "summary").series;
    const k = _key(labels);
    const cur = s.get(k) ?? { sum: 0, count: 0 };
    cur.sum += seconds;
    cur.count += 1;
    s.set(k, cur);
  }

  /** Times `fn` into a summary. */
  async time<T>(name: string, help: string, labels: Labels, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.observe(name, help, labels, (performance.now() - t0) / 1000);
    }
  }

  value(name: string, labels: Labels = {}): number {
    return this.#families.get(name)?.series.get(_key(labels))?.sum ?? 0;
  }

  render(): string {
    const out: string[] = [];
    for (const name of [...this.#families.keys()].sort()) {
      const f = this.#families.get(name)!;
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const k of [...f.series.keys()].sort()) {
        const v = f.series.get(k)!;
        const l = k === "" ? "" : `{${k}}`;
        if (f.type === "counter") out.push(`${name}${l} ${v.sum}`);
        else out.push(`${name}_sum${l} ${v.sum}`, `${name}_count${l} ${v.count}`);
      }
    }
    return out.join("\n");
  }
}

export const M = {
  loopDuration: ["conductor_loop_duration_seconds", "Duration of one loop pass."],
  loopErrors: ["conductor_loop_errors_total", "Errors inside loop passes (per object or per pass)."],
  signs: ["conductor_signatures_total", "Signatures made, by kind."],
  signLatency: ["conductor_sign_duration_seconds", "Time to sign one object."],
  verifies: ["conductor_verifications_total", "Signature verifications, by kind and result."],
  verifyLatency: ["conductor_verify_duration_seconds", "Time to verify one signature."],
  writes: ["conductor_kube_writes_total", "Write requests sent to an API server, by method."],
  fenced: ["conductor_fenced_writes_total", "Writes refused because this replica is not the leader."],
  relists: ["conductor_watchdog_relists_total", "Relists forced by a watchdog after silence."],
  driftDetected: ["conductor_drift_detected_total", "Drift found by the tenant drift loops, by kind."],
  sweepRuns: ["conductor_bootstrap_sweep_runs_total", "Tenant bootstrap sweep runs, by result."],
  driftSignals: ["conductor_drift_signal_writes_total", "DriftSignal writes on management, by action."],
} as const;
