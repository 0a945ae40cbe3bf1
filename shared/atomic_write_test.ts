import { assert, assertEquals, assertRejects, assertStringIncludes } from "./testing/asserts.ts";
import { InputError, IoError } from "./errors.ts";
import { seededRandom } from "./rand.ts";
import { type AtomicFs, writeTreeAtomically } from "./atomic_write.ts";

/** Every entry under `dir` (relative path → content or "<dir>") with its mode, sorted. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    for await (const e of Deno.readDir(rel === "" ? dir : `${dir}/${rel}`)) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      const info = await Deno.lstat(`${dir}/${r}`);
      const mode = ((info.mode ?? 0) & 0o777).toString(8);
      if (e.isDirectory) {
        out[r] = `<dir ${mode}>`;
        await walk(r);
      } else out[r] = `${mode} ${await Deno.readTextFile(`${dir}/${r}`)}`;
    }
  }
  await walk("");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const FILES = new Map<string, string | Uint8Array>([
  ["b.yaml", "b: 1\n"],
  ["nested/deeper/c.yaml", "c: 1\n"],
  ["./a.yaml", new TextEncoder().encode("a: 1\n")],
]);

Deno.test("new output directory: staged then renamed; modes 0644/0755; no leftovers", async () => {
  await withTmp(async (tmp) => {
    const res = await writeTreeAtomically(`${tmp}/parent/out`, FILES);
    assertEquals(res.created, true);
    assertEquals(res.written, ["a.yaml", "b.yaml", "nested/deeper/c.yaml"]);
    assertEquals(await snapshot(`${tmp}/parent/out`), {
      "a.yaml": "644 a: 1\n",
      "b.yaml": "644 b: 1\n",
      "nested": "<dir 755>",
      "nested/deeper": "<dir 755>",
      "nested/deeper/c.yaml": "644 c: 1\n",
    });
    assertEquals(((await Deno.stat(`${tmp}/parent/out`)).mode ?? 0) & 0o777, 0o755);
    assertEquals(Object.keys(await snapshot(`${tmp}/parent`)).filter((k) => !k.startsWith("out")), []);
  });
});

Deno.test("existing output directory: files replaced in place, unrelated files kept, identical files untouched", async () => {
  await withTmp(async (tmp) => {
    const out = `${tmp}/out`;
    await Deno.mkdir(`${out}/nested`, { recursive: true });
    await Deno.writeTextFile(`${out}/stale.yaml`, "old run\n");
    await Deno.writeTextFile(`${out}/b.yaml`, "b: 0\n");
    await Deno.writeTextFile(`${out}/a.yaml`, "a: 1\n");
    await Deno.chmod(`${out}/a.yaml`, 0o644);
    const before = (await Deno.stat(`${out}/a.yaml`)).mtime;
    const res = await writeTreeAtomically(out, FILES);
    assertEquals(res.created, false);
    assertEquals(res.written, ["b.yaml", "nested/deeper/c.yaml"]);
    assertEquals(res.unchanged, ["a.yaml"]);
    const snap = await snapshot(out);
    assertEquals(snap["stale.yaml"], "644 old run\n");
    assertEquals(snap["b.yaml"], "644 b: 1\n");
    assertEquals(snap["nested/deeper/c.yaml"], "644 c: 1\n");
    assertEquals((await Deno.stat(`${out}/a.yaml`)).mtime, before);
    assertEquals(Object.keys(await snapshot(tmp)).filter((k) => !k.startsWith("out")), []);
  });
});

Deno.test("paths escaping the output directory are one InputError naming each; nothing is created", async () => {
  await withTmp(async (tmp) => {
    const bad = new Map([
      ["../x", "1"],
      ["/etc/passwd", "2"],
      ["a\\b", "3"],
      ["ok.yaml", "4"],
      ["./ok.yaml", "5"],
      ["d", "6"],
      ["d/e", "7"],
      [".", "8"],
    ]);
    const err = await assertRejects(() => writeTreeAtomically(`${tmp}/out`, bad), InputError);
    for (
      const s of [
        '"../x" escapes',
        '"/etc/passwd" is absolute',
        "backslash",
        '"./ok.yaml" names the same file',
        '"d/e" needs "d"',
        '"." names the output directory',
      ]
    ) {
      assertStringIncludes(err.message, s);
    }
    assertEquals(await snapshot(tmp), {});
  });
});

Deno.test("clashes with existing entries are refused before anything is written", async () => {
  await withTmp(async (tmp) => {
    const out = `${tmp}/out`;
    await Deno.mkdir(`${out}/b.yaml`, { recursive: true });
    await Deno.writeTextFile(`${out}/nested`, "i am a file\n");
    const before = await snapshot(tmp);
    const err = await assertRejects(() => writeTreeAtomically(out, FILES), InputError);
    assertStringIncludes(err.message, '"b.yaml" exists as a directory');
    assertStringIncludes(err.message, '"nested" exists and is not a directory');
    assertEquals(await snapshot(tmp), before);
    await Deno.writeTextFile(`${tmp}/plain`, "x");
    await assertRejects(() => writeTreeAtomically(`${tmp}/plain`, FILES), InputError, "not a directory");
  });
});

Deno.test("unwritable target (a parent that is a file): IoError, nothing left behind", async () => {
  await withTmp(async (tmp) => {
    await Deno.writeTextFile(`${tmp}/afile`, "x");
    const before = await snapshot(tmp);
    await assertRejects(() => writeTreeAtomically(`${tmp}/afile/out`, FILES), IoError);
    assertEquals(await snapshot(tmp), before);
  });
});

function failingRename(failOnCall: number): Partial<AtomicFs> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    rename: async (from, to) => {
      calls.push(to);
      if (calls.length === failOnCall) throw new Deno.errors.PermissionDenied("injected failure");
      await Deno.rename(from, to);
    },
  };
}

Deno.test("failure mid-way into an existing directory rolls every rename back", async () => {
  await withTmp(async (tmp) => {
    const out = `${tmp}/out`;
    await Deno.mkdir(out);
    await Deno.writeTextFile(`${out}/a.yaml`, "a: 0\n");
    await Deno.writeTextFile(`${out}/b.yaml`, "b: 0\n");
    await Deno.writeTextFile(`${out}/keep.txt`, "keep\n");
    const before = await snapshot(tmp);
    // Renames: a aside, a in, b aside, b in, c in (fails on the 5th: c.yaml)
    const fs = failingRename(5);
    const err = await assertRejects(
      () => writeTreeAtomically(out, FILES, { fs }),
      IoError,
      "injected failure",
    );
    assertEquals(err.file, `${out}/nested/deeper/c.yaml`);
    assertEquals(await snapshot(tmp), before);
  });
});

Deno.test("failure while staging a new directory leaves no output, no staging dir, no created parents", async () => {
  await withTmp(async (tmp) => {
    let n = 0;
    const fs: Partial<AtomicFs> = {
      writeFile: async (p, d) => {
        if (++n === 2) throw new Error("disk full");
        await Deno.writeFile(p, d);
      },
    };
    await assertRejects(() => writeTreeAtomically(`${tmp}/p1/p2/out`, FILES, { fs }), IoError, "disk full");
    assertEquals(await snapshot(tmp), {});
    // And when the final rename fails.
    await assertRejects(
      () => writeTreeAtomically(`${tmp}/out`, FILES, { fs: failingRename(1) }),
      IoError,
      "cannot move the staged output into place",
    );
    assertEquals(await snapshot(tmp), {});
  });
});

Deno.test("deterministic: insertion order does not matter; seeded staging names repeat", async () => {
  await withTmp(async (tmp) => {
    const reversed = new Map([...FILES].reverse());
    const names: string[][] = [[], []];
    for (const [i, files] of [FILES, reversed].entries()) {
      const fs: Partial<AtomicFs> = {
        mkdir: async (p) => {
          names[i]!.push(p.slice(tmp.length + 1).replace(/^run\d\//, ""));
          await Deno.mkdir(p, { mode: 0o755 });
        },
      };
      await writeTreeAtomically(`${tmp}/run${i}/out`, files, { random: seededRandom("t"), fs });
    }
    assertEquals(await snapshot(`${tmp}/run0`), await snapshot(`${tmp}/run1`));
    assertEquals(names[0]![1], names[1]![1]);
    assert(/^\.out\.tmp-[0-9a-f]{12}$/.test(names[0]![1]!), names[0]![1]);
  });
});
