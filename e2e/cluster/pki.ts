// Per-cluster PKI made with the openssl CLI (test infrastructure only): a CA, a loopback serving cert,
// client certs (admin in O=system:masters, kube-controller-manager,
// the aggregation front proxy) and the ServiceAccount signing key.

export interface Pki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  kcmCert: string;
  kcmKey: string;
  frontProxyCert: string;
  frontProxyKey: string;
  saKey: string;
  saPub: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" }).output()
    .catch((e) => {
      throw new Error(`seam-e2e: cannot run openssl (apt-get install openssl): ${e}`);
    });
  if (!out.success) {
    throw new Error(`seam-e2e: openssl ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

// Random serials: leaves are signed in parallel, so a shared -CAcreateserial file would race.
const serial = () =>
  "0x" +
  [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")
    .replace(/^./, "1");

const ecKey = (
  path: string,
) => ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path];

async function leaf(
  dir: string,
  name: string,
  subject: string,
  ext: string,
): Promise<void> {
  await openssl(ecKey(`${name}.key`), dir);
  await openssl(["req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`], dir);
  await Deno.writeTextFile(`${dir}/${name}.ext`, ext);
  await openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-set_serial",
    serial(),
    "-days",
    "30",
    "-sha256",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.crt`,
  ], dir);
}

const CLIENT_EXT = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n" +
  "extendedKeyUsage=clientAuth\n";

/** Writes the PKI into `dir` (created if needed) and returns the file paths. */
export async function makePki(dir: string, clusterName: string): Promise<Pki> {
  await Deno.mkdir(dir, { recursive: true });
  await openssl(ecKey("ca.key"), dir);
  await openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    `/CN=seam-e2e-${clusterName}-ca`,
    "-days",
    "30",
    "-sha256",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    "-out",
    "ca.crt",
  ], dir);
  await Promise.all([
    leaf(
      dir,
      "serving",
      "/CN=kube-apiserver",
      "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes," +
        "DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1\n",
    ),
    leaf(dir, "admin", "/O=system:masters/CN=seam-e2e-admin", CLIENT_EXT),
    leaf(dir, "kcm", "/CN=system:kube-controller-manager", CLIENT_EXT),
    leaf(dir, "front-proxy", "/CN=front-proxy-client", CLIENT_EXT),
    (async () => {
      await openssl(
        ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"],
        dir,
      );
      await openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
    })(),
  ]);
  const p = (f: string) => `${dir}/${f}`;
  return {
    caCert: p("ca.crt"),
    caKey: p("ca.key"),
    servingCert: p("serving.crt"),
    servingKey: p("serving.key"),
    adminCert: p("admin.crt"),
    adminKey: p("admin.key"),
    kcmCert: p("kcm.crt"),
    kcmKey: p("kcm.key"),
    frontProxyCert: p("front-proxy.crt"),
    frontProxyKey: p("front-proxy.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
  };
}
