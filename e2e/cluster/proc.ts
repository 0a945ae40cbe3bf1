// Runs one control-plane component as its own process group (via util-linux `setsid`), with stdout and
// stderr appended to a log file, and stops it by signalling the whole group.

export interface Proc {
  readonly component: string;
  /** Process id, which is also the process-group id. */
  readonly pid: number;
  readonly logPath: string;
  /** Resolves when the process exits. */
  readonly status: Promise<Deno.CommandStatus>;
  exited(): boolean;
  stop(timeoutMs?: number): Promise<void>;
}

export function spawnGroup(component: string, bin: string, args: string[], logPath: string): Proc {
  // setsid execs `sh`, which execs the binary: one pid that leads its own process group and session.
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", 'exec "$0" "$@" >>"$SEAM_E2E_LOG" 2>&1 </dev/null', bin, ...args],
    env: { SEAM_E2E_LOG: logPath },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let done = false;
  const status = child.status.then((s) => {
    done = true;
    return s;
  });
  const signalGroup = (sig: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, sig);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e; // group already gone
    }
  };
  return {
    component,
    pid: child.pid,
    logPath,
    status,
    exited: () => done,
    async stop(timeoutMs = 10_000) {
      if (!done) signalGroup("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        status.then(() => false),
        new Promise<boolean>((r) => timer = setTimeout(() => r(true), timeoutMs)),
      ]);
      clearTimeout(timer);
      // Whatever is left of the group (the leader after a timeout, or any child it forked) gets SIGKILL.
      signalGroup("SIGKILL");
      if (timedOut) await status;
    },
  };
}

/** Pids of live processes whose process group is `pgid` (reads /proc). */
export function groupMembers(pgid: number): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      // Fields after the parenthesised command: state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid && rest[0] !== "Z") found.push(Number(e.name));
    } catch {
      // process vanished while scanning
    }
  }
  return found;
}

export async function logTail(logPath: string, lines = 40): Promise<string> {
  try {
    const text = await Deno.readTextFile(logPath);
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log written)";
  }
}
