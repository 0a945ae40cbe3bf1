import { assertEquals } from "../shared/testing/asserts.ts";
import { countJunit } from "./test_all.ts";

Deno.test("JUnit counting: passes, failures, errors and skips", () => {
  const xml = `<testsuites><testsuite>
    <testcase name="a"></testcase>
    <testcase name="b"><failure message="x">boom</failure></testcase>
    <testcase name="c"/>
    <testcase name="d"><error/></testcase>
    <testcase name="e"><skipped/></testcase>
  </testsuite></testsuites>`;
  assertEquals(countJunit(xml), { passed: 2, failed: 2 });
});
