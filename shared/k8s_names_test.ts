import { assert, assertEquals } from "./testing/asserts.ts";
import { fitName, isDnsLabel, isDnsSubdomain, isLabelValue } from "./k8s_names.ts";

Deno.test("DNS label and subdomain rules", () => {
  assert(isDnsLabel("ccs-mgmt"));
  assert(!isDnsLabel("Ccs"));
  assert(!isDnsLabel("-a"));
  assert(!isDnsLabel("a.b"));
  assert(!isDnsLabel("a".repeat(64)));
  assert(isDnsSubdomain("a.b-c"));
  assert(!isDnsSubdomain("a..b"));
  assert(!isDnsSubdomain(""));
});

Deno.test("label values may be empty, mixed case, dots and underscores inside", () => {
  assert(isLabelValue(""));
  assert(isLabelValue("A_b.c-1"));
  assert(!isLabelValue("_a"));
  assert(!isLabelValue("a:b"));
  assert(!isLabelValue("a".repeat(64)));
});

Deno.test("fitName keeps names within the limit and cleans their ends", () => {
  assertEquals(fitName("rc-backup", "abc123"), "rc-backup-abc123");
  const long = fitName("x".repeat(80), "abc123");
  assertEquals(long.length, 63);
  assert(long.endsWith("-abc123"));
  assertEquals(fitName("a".repeat(55) + "-b", "abc123"), "a".repeat(55) + "-abc123");
  assertEquals(fitName("My_Cluster", "ff"), "my-cluster-ff");
  assertEquals(fitName("---", "ff"), "ff");
});
