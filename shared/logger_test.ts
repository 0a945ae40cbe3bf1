import { assert, assertEquals, assertThrows } from "./testing/asserts.ts";
import { fixedClock } from "./clock.ts";
import { InputError, UsageError } from "./errors.ts";
import {
  compilerLogger,
  conductorLogger,
  isSecretKey,
  jsonFormatter,
  Logger,
  memoryWriter,
  nullLogger,
  parseLogLevel,
  REDACTED,
  redactFields,
  textFormatter,
} from "./logger.ts";

const clock = fixedClock("2026-05-01T10:00:00.5Z");

Deno.test("JSON lines: time, level, msg, context in fixed order, then sorted event fields", () => {
  const w = memoryWriter();
  const log = conductorLogger({
    component: "conductor-agent",
    cluster: "ccs-dev",
    role: "tenant",
    writer: w,
    clock,
  });
  log.with({ loop: "pack-drift" }).info("pass complete", { zeta: 1, alpha: "a", when: new Date(0) });
  assertEquals(w.lines, [
    '{"time":"2026-05-01T10:00:00.5Z","level":"info","msg":"pass complete","component":"conductor-agent",' +
    '"cluster":"ccs-dev","role":"tenant","loop":"pack-drift","alpha":"a","when":"1970-01-01T00:00:00Z","zeta":1}',
  ]);
});

Deno.test("JSON lines: unset context is omitted; reserved field names cannot override", () => {
  const w = memoryWriter();
  new Logger({ formatter: jsonFormatter(), writer: w, clock }).warn("x", { msg: "y", cluster: "z", n: 1n });
  assertEquals(JSON.parse(w.lines[0]!), {
    time: "2026-05-01T10:00:00.5Z",
    level: "warn",
    msg: "x",
    "field.cluster": "z",
    "field.msg": "y",
    n: "1",
  });
});

Deno.test("level filtering", () => {
  const w = memoryWriter();
  const log = conductorLogger({ writer: w, clock, level: "warn" });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  assertEquals(w.lines.map((l) => JSON.parse(l).level), ["warn", "error"]);
  assert(!log.enabled("info"));
  const dbg = log.with({ level: "debug" });
  dbg.debug("now visible");
  assertEquals(w.lines.length, 3);
});

Deno.test("parseLogLevel accepts the four levels (and 'warning'), rejects others", () => {
  assertEquals(parseLogLevel("DEBUG"), "debug");
  assertEquals(parseLogLevel("warning"), "warn");
  assertThrows(() => parseLogLevel("loud"), UsageError, '"loud"');
});

Deno.test("secret-looking keys are redacted at any depth; names of secrets are not", () => {
  for (
    const k of [
      "password",
      "token",
      "bearerToken",
      "private_key",
      "privateKey",
      "signingKey",
      "secret",
      "clientSecret",
      "credentials",
      "Authorization",
      "kubeconfig",
      "data",
      "stringData",
      "AWS_SECRET_ACCESS_KEY",
      "key",
      "tls.key",
    ]
  ) {
    assert(isSecretKey(k), k);
  }
  for (
    const k of [
      "signingKeyPath",
      "kubeconfigPath",
      "secretRef",
      "secretName",
      "keyId",
      "tokenType",
      "cluster",
      "msg",
      "signature",
      "capability",
    ]
  ) {
    assert(!isSecretKey(k), k);
  }
  const out = redactFields({
    secretName: "conductor-signing-key",
    object: { kind: "Secret", data: { "private.pem": "xxx" }, metadata: { name: "s" } },
    list: [{ token: "t" }, "plain"],
  });
  assertEquals(out, {
    list: [{ token: REDACTED }, "plain"],
    object: { data: REDACTED, kind: "Secret", metadata: { name: "s" } },
    secretName: "conductor-signing-key",
  });
});

Deno.test("values carrying private keys are redacted whatever the key; errors become messages", () => {
  const w = memoryWriter();
  const log = conductorLogger({ writer: w, clock });
  log.error("bad", {
    note: "-----BEGIN PRIVATE KEY-----\nMC4CAQ...\n-----END PRIVATE KEY-----",
    age: "AGE-SECRET-KEY-1QQQQQQ",
    err: new InputError("file not found", { file: "/x" }),
    bytes: new Uint8Array(3),
    nested: new Map([["password", "hunter2"]]),
  });
  const rec = JSON.parse(w.lines[0]!);
  assertEquals(rec.note, REDACTED);
  assertEquals(rec.age, REDACTED);
  assertEquals(rec.err, "/x: file not found");
  assertEquals(rec.bytes, "<3 bytes>");
  assertEquals(rec.nested, { password: REDACTED });
  assert(!w.lines[0]!.includes("hunter2"));
});

Deno.test("messages are scrubbed of embedded key material", () => {
  const w = memoryWriter();
  conductorLogger({ writer: w, clock }).info(
    "loaded -----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY----- and AGE-SECRET-KEY-1ABC done",
  );
  assertEquals(JSON.parse(w.lines[0]!).msg, `loaded ${REDACTED} and ${REDACTED} done`);
});

Deno.test("bound fields are redacted too and merged under event fields", () => {
  const w = memoryWriter();
  const log = new Logger({ formatter: jsonFormatter(), writer: w, clock, fields: { apiToken: "t", a: 1 } });
  log.with({ fields: { a: 2 } }).info("m", { b: 3 });
  const rec = JSON.parse(w.lines[0]!);
  assertEquals([rec.apiToken, rec.a, rec.b], [REDACTED, 2, 3]);
});

Deno.test("circular values do not crash the logger", () => {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  const w = memoryWriter();
  conductorLogger({ writer: w, clock }).info("c", { a });
  assertEquals(JSON.parse(w.lines[0]!).a, { name: "a", self: "[circular]" });
});

Deno.test("text lines: compiler <sub>: message, warnings tagged, fields appended", () => {
  const w = memoryWriter();
  const log = compilerLogger("bootstrap", { writer: w, level: "debug" });
  log.info("wrote 4 files");
  log.warn("talosconfig unreadable; skipping the talosconfig Secret", { path: "/home/u/.talos/config" });
  log.error('read input file "in.yaml": file not found');
  log.debug("resolved", { contract: "v1.9", note: "two words", token: "s3cr3t" });
  assertEquals(w.lines, [
    "compiler bootstrap: wrote 4 files",
    "compiler bootstrap: warning: talosconfig unreadable; skipping the talosconfig Secret path=/home/u/.talos/config",
    'compiler bootstrap: read input file "in.yaml": file not found',
    `compiler bootstrap: debug: resolved contract=v1.9 note="two words" token=${REDACTED}`,
  ]);
  const w2 = memoryWriter();
  new Logger({ formatter: textFormatter(), writer: w2 }).info("top level");
  assertEquals(w2.lines, ["compiler: top level"]);
});

Deno.test("nullLogger writes nothing", () => {
  nullLogger.error("ignored");
  nullLogger.info("ignored");
});
