// A Docker token service for the e2e registry (distribution's `auth.token`): `GET /token?service=&scope=`
// with Basic credentials answers a JWT (ES256, the signing certificate in `x5c`) granting the requested
// repository actions. The key pair is made with openssl; the registry trusts the certificate through
// `rootcertbundle`. Anonymous or wrong credentials get 401.

export interface TokenServer {
  /** Realm URL for the registry config and the WWW-Authenticate challenge. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate the registry must trust. */
  certPath: string;
  /** Token requests served (method, query, status). */
  requests: { query: string; status: number }[];
  stop(): Promise<void>;
}

function b64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function pemBody(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export async function startTokenServer(
  dir: string,
  user: { username: string; password: string },
): Promise<TokenServer> {
  const key = `${dir}/token-key.pem`;
  const cert = `${dir}/token-cert.pem`;
  const gen = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=seam-e2e-token",
    ],
    stdout: "null",
    stderr: "piped",
  }).output().catch((e) => {
    throw new Error(`openssl is missing (apt-get install -y openssl): ${e}`);
  });
  if (!gen.success) throw new Error(`openssl req failed: ${new TextDecoder().decode(gen.stderr)}`);
  const signKey = await crypto.subtle.importKey(
    "pkcs8",
    pemBody(await Deno.readTextFile(key)) as Uint8Array<ArrayBuffer>,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const x5c = btoa(String.fromCharCode(...pemBody(await Deno.readTextFile(cert))));
  const service = "seam-e2e-registry";
  const issuer = "seam-e2e-issuer";
  const requests: { query: string; status: number }[] = [];
  const expected = `Basic ${btoa(`${user.username}:${user.password}`)}`;

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const u = new URL(req.url);
    const answer = (status: number, body: string) => {
      requests.push({ query: u.search, status });
      return new Response(body, { status, headers: { "Content-Type": "application/json" } });
    };
    if (u.pathname !== "/token") return answer(404, "{}");
    if (req.headers.get("Authorization") !== expected) return answer(401, '{"details":"bad credentials"}');
    if (u.searchParams.get("service") !== service) return answer(400, '{"details":"unknown service"}');
    const access = u.searchParams.getAll("scope").flatMap((s) => {
      const m = s.match(/^repository:([^:]+):(.+)$/);
      return m ? [{ type: "repository", name: m[1]!, actions: m[2]!.split(",") }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "ES256", x5c: [x5c] }));
    const claims = b64url(JSON.stringify({
      iss: issuer,
      sub: user.username,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: crypto.randomUUID(),
      access,
    }));
    const sig = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        signKey,
        new TextEncoder().encode(`${header}.${claims}`),
      ),
    );
    return answer(200, JSON.stringify({ token: `${header}.${claims}.${b64url(sig)}`, expires_in: 300 }));
  });
  return {
    realm: `http://127.0.0.1:${server.addr.port}/token`,
    service,
    issuer,
    certPath: cert,
    requests,
    stop: () => server.shutdown(),
  };
}
