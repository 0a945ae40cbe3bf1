/**
 * Component descriptor — the file `compiler component --descriptor` reads (spec/compiler.md §8.3).
 *
 * `name` and `namespace` are required. The RBACProfile is named `rbac-` + the name lower-cased with
 * spaces turned into `-`; that derived name must be a DNS-1123 subdomain, so a name such as
 * `My Operator` is accepted but `my_operator` is not. No defaults are applied here
 * (`principalRef` defaults to `name`, `rbacPolicyRef` to `default-rbac-policy`: see the exports).
 */
import { z } from "zod";
import {
  ALWAYS,
  asRecord,
  asString,
  DNS1123_SUBDOMAIN_MAX,
  dns1123Problem,
  dnsLabel,
  dnsSubdomain,
  field,
  type IssueSink,
  quote,
  report,
  subdomainHint,
  text,
} from "./fields.ts";

export const DEFAULT_RBAC_POLICY_REF = "default-rbac-policy";

/** `rbac-` + name lower-cased with spaces replaced by `-` (no other sanitising, as upstream). */
export function rbacProfileName(name: string): string {
  return `rbac-${name.toLowerCase().replaceAll(" ", "-")}`;
}

const SA_REF_PATTERN = /^system:serviceaccount:([^:]+):([^:]+)$/;
const PRINCIPAL_HINT =
  'a ServiceAccount name (a DNS-1123 subdomain) or "system:serviceaccount:<namespace>:<name>"';

const principalRef = field(
  z.string()
    .superRefine((s, ctx) => {
      const m = SA_REF_PATTERN.exec(s);
      const why = m
        ? dns1123Problem(m[1]!, 63, false) ?? dns1123Problem(m[2]!, DNS1123_SUBDOMAIN_MAX, true)
        : dns1123Problem(s, DNS1123_SUBDOMAIN_MAX, true);
      if (why) report(ctx, [], `invalid principal ${quote(s)}: ${why}`, PRINCIPAL_HINT);
    })
    .meta({ description: "Subject of the RBACProfile; default the descriptor's name." }),
  { what: "principal", hint: PRINCIPAL_HINT },
);

const ComponentDescriptorObject = z.looseObject({
  name: text(
    "component name",
    "Component name; the RBACProfile is named `rbac-<name>` (lower-cased, spaces → `-`).",
    'a component name such as "my-operator"',
  ),
  namespace: dnsLabel("namespace", "Namespace of the RBACProfile."),
  principalRef: principalRef.optional(),
  rbacPolicyRef: dnsSubdomain(
    "RBACPolicy name",
    "RBACPolicy the profile refers to; default `default-rbac-policy`.",
  )
    .optional(),
});

/** The profile name derived from `name` must be a valid object name. */
export function componentDescriptorRules(value: unknown, ctx: IssueSink): void {
  const name = asString(asRecord(value)?.name);
  if (name === undefined || name === "") return;
  const profile = rbacProfileName(name);
  const why = dns1123Problem(profile, DNS1123_SUBDOMAIN_MAX, true);
  if (why) {
    report(
      ctx,
      ["name"],
      `invalid component name ${quote(name)}: the RBACProfile name ${quote(profile)} derived from it ${why}`,
      `letters, digits, spaces, '-' and '.'; ${subdomainHint()} once lower-cased and prefixed with "rbac-"`,
    );
  }
}

export const ComponentDescriptorSchema = field(
  ComponentDescriptorObject.superRefine(componentDescriptorRules, ALWAYS).meta({
    title: "ComponentDescriptor",
    description:
      "Input of `compiler component --descriptor`: a third-party component to scaffold an RBACProfile for. spec/compiler.md §8.3.",
  }),
  {
    what: "component descriptor",
    hint: "a mapping with at least name and namespace (see schemas/json/component-descriptor.schema.json)",
  },
);

export type ComponentDescriptor = z.infer<typeof ComponentDescriptorSchema>;
