import { assertEquals } from "../testing/asserts.ts";
import {
  basicAuthorization,
  credentialFor,
  dockerCredential,
  normaliseRegistryHost,
  parseDockerConfig,
} from "./credentials.ts";

const b64 = (s: string) => btoa(s);

function files(map: Record<string, string>) {
  return (p: string) =>
    map[p] !== undefined ? Promise.resolve(map[p]!) : Promise.reject(new Deno.errors.NotFound(p));
}

Deno.test("docker config: exact key, then host match of URL keys", () => {
  const cfg = parseDockerConfig(
    JSON.stringify({
      auths: {
        "127.0.0.1:5000": { auth: b64("u:p:with:colons") },
        "https://index.docker.io/v1/": { auth: b64("hub:pw") },
        "reg.example:443": { username: "x", password: "y" },
      },
    }),
    "/c.json",
  );
  assertEquals(credentialFor(cfg, "127.0.0.1:5000"), {
    kind: "basic",
    username: "u",
    password: "p:with:colons",
  });
  assertEquals(credentialFor(cfg, "docker.io"), { kind: "basic", username: "hub", password: "pw" });
  assertEquals(credentialFor(cfg, "reg.example:443"), { kind: "basic", username: "x", password: "y" });
  assertEquals(credentialFor(cfg, "127.0.0.1:5001"), undefined);
  assertEquals(normaliseRegistryHost("https://GHCR.io/v2/"), "ghcr.io");
});

Deno.test("docker config: registry and identity tokens; helpers are reported, never run", () => {
  const cfg = parseDockerConfig(
    JSON.stringify({
      auths: { "a.io": { registrytoken: "rt" }, "b.io": { auth: b64("<token>:"), identitytoken: "it" } },
      credHelpers: { "c.io": "ecr-login" },
      credsStore: "desktop",
    }),
    "/c.json",
  );
  assertEquals(credentialFor(cfg, "a.io"), { kind: "registryToken", token: "rt" });
  assertEquals(credentialFor(cfg, "b.io"), { kind: "identityToken", token: "it", username: "<token>" });
  assertEquals(credentialFor(cfg, "c.io"), { kind: "helper", helper: "ecr-login" });
  assertEquals(credentialFor(cfg, "d.io"), { kind: "helper", helper: "desktop" });
});

Deno.test("docker config: DOCKER_CONFIG, ~/.docker, snap; unreadable or unparsable files are skipped", async () => {
  const env = (m: Record<string, string>) => (n: string) => m[n];
  const good = JSON.stringify({ auths: { "h:1": { auth: b64("a:b") } } });
  assertEquals(
    await dockerCredential("h:1", {
      env: env({ HOME: "/home/me" }),
      readTextFile: files({
        "/home/me/.docker/config.json": "{not json",
        "/home/me/snap/docker/current/.docker/config.json": good,
      }),
    }),
    { kind: "basic", username: "a", password: "b" },
  );
  assertEquals(
    await dockerCredential("h:1", {
      env: env({ HOME: "/home/me", DOCKER_CONFIG: "/etc/dc/" }),
      readTextFile: files({
        "/etc/dc/config.json": JSON.stringify({ auths: {} }),
        "/home/me/.docker/config.json": good,
      }),
    }),
    undefined,
  );
  assertEquals(await dockerCredential("h:1", { env: env({}), readTextFile: files({}) }), undefined);
});

Deno.test("basicAuthorization encodes UTF-8", () => {
  assertEquals(basicAuthorization("ü", "p"), `Basic ${btoa("\u00c3\u00bc:p")}`);
});
