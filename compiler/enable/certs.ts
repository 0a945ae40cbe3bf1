/** cert-manager objects `compiler enable` emits (webhook serving certificates and their CA chain). */
import { meta, type Obj } from "./builders.ts";
import { MANAGED_BY } from "./operators.ts";

const CM = "cert-manager.io/v1";

export interface CaChain {
  /** Name of the namespaced CA Issuer that signs serving certificates. */
  issuer: string;
  objects: Obj[];
}

/**
 * A self-signed bootstrap Issuer, a CA Certificate it signs, and the CA Issuer built on that
 * CA's Secret (compiler.md §12.2: upstream references `guardian-ca-issuer` but never emits it).
 */
export function caChain(prefix: string, namespace: string, app: string): CaChain {
  const l = {
    "app.kubernetes.io/name": app,
    "app.kubernetes.io/component": "webhook",
    "ontai.dev/managed-by": MANAGED_BY,
  };
  const selfSigned = `${prefix}-selfsigned-issuer`;
  const ca = `${prefix}-ca`;
  const issuer = `${prefix}-ca-issuer`;
  return {
    issuer,
    objects: [
      { apiVersion: CM, kind: "Issuer", metadata: meta(selfSigned, namespace, l), spec: { selfSigned: {} } },
      {
        apiVersion: CM,
        kind: "Certificate",
        metadata: meta(ca, namespace, l),
        spec: {
          isCA: true,
          commonName: ca,
          secretName: ca,
          duration: "87600h",
          privateKey: { algorithm: "ECDSA", size: 256 },
          issuerRef: { name: selfSigned, kind: "Issuer" },
        },
      },
      {
        apiVersion: CM,
        kind: "Issuer",
        metadata: meta(issuer, namespace, l),
        spec: { ca: { secretName: ca } },
      },
    ],
  };
}

/** Serving certificate for Service `<service>.<namespace>.svc`. */
export function servingCertificate(
  name: string,
  namespace: string,
  app: string,
  service: string,
  issuer: string,
): Obj {
  return {
    apiVersion: CM,
    kind: "Certificate",
    metadata: meta(name, namespace, {
      "app.kubernetes.io/name": app,
      "app.kubernetes.io/component": "webhook",
      "ontai.dev/managed-by": MANAGED_BY,
    }),
    spec: {
      secretName: name,
      issuerRef: { name: issuer, kind: "Issuer" },
      dnsNames: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`],
    },
  };
}
