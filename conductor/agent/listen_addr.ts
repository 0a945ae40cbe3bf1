/**
 * Listen addresses in every form operators write them: `9443`, `:9443`, `host:9443`, `[::1]:9443`
 * (upstream accepted only the Go form `:9443` for some variables — conductor.md D-F1).
 */
import { InputError } from "../../shared/errors.ts";

export interface ListenAddr {
  hostname: string;
  port: number;
}

export function parseListenAddr(value: string, variable: string): ListenAddr {
  const v = value.trim();
  let host = "0.0.0.0";
  let portText = v;
  const bracket = /^\[([^\]]+)\]:(\d+)$/.exec(v);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2]!;
  } else if (v.includes(":")) {
    const idx = v.lastIndexOf(":");
    host = v.slice(0, idx) || "0.0.0.0";
    portText = v.slice(idx + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) {
    throw new InputError(`${variable}=${JSON.stringify(value)} is not a listen address`, {
      hint: "use PORT, :PORT or HOST:PORT with a port from 0 to 65535",
    });
  }
  return { hostname: host, port };
}
