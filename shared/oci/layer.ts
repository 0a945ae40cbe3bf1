/**
 * Deterministic tar + gzip for artefact layers (renderers.md §7.6; compiler.md §6.9 step 1).
 *
 * Tar: ustar entries with mode 0644, uid/gid 0, empty owner names, mtime 0 and the entries in the
 * order given; two zero blocks close the archive. Gzip: `node:zlib` at level 9, which writes no file
 * name and mtime 0; its bytes are pinned by a test (a different deflate implementation gives
 * different, equally valid bytes). Reading accepts any ustar/GNU/PAX archive holding regular files.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { RegistryError } from "./errors.ts";

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;
const _enc = new TextEncoder();

function _putString(buf: Uint8Array, off: number, len: number, s: string): void {
  const b = _enc.encode(s);
  if (b.length > len) throw new RangeError(`tar field too long: ${JSON.stringify(s)}`);
  buf.set(b, off);
}

function _putOctal(buf: Uint8Array, off: number, len: number, n: number): void {
  _putString(buf, off, len, n.toString(8).padStart(len - 1, "0") + "\0");
}

function _header(name: string, size: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  let prefix = "";
  let base = name;
  if (_enc.encode(name).length > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || _enc.encode(name.slice(cut + 1)).length > 100) {
      throw new RangeError(`tar entry name too long: ${JSON.stringify(name)}`);
    }
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  _putString(h, 0, 100, base);
  _putOctal(h, 100, 8, 0o644);
  _putOctal(h, 108, 8, 0);
  _putOctal(h, 116, 8, 0);
  _putOctal(h, 124, 12, size);
  _putOctal(h, 136, 12, 0);
  h.fill(0x20, 148, 156); // checksum field counts as spaces
  h[156] = 0x30; // '0' regular file
  _putString(h, 257, 6, "ustar\0");
  _putString(h, 263, 2, "00");
  _putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  _putString(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** A ustar archive of `entries`, in the given order. */
export function tarFiles(entries: readonly TarEntry[]): Uint8Array {
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(total);
  let off = 0;
  for (const e of entries) {
    out.set(_header(e.name, e.data.length), off);
    off += BLOCK;
    out.set(e.data, off);
    off += Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}

function _str(buf: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && buf[end] !== 0) end++;
  return new TextDecoder().decode(buf.subarray(off, end));
}

function _num(buf: Uint8Array, off: number, len: number): number {
  if ((buf[off]! & 0x80) !== 0) {
    // GNU base-256
    let n = 0;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = _str(buf, off, len).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

function _paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  let path: string | undefined;
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(" ", i);
    if (sp < 0) break;
    const len = parseInt(text.slice(i, sp), 10);
    if (!(len > 0)) break;
    const rec = text.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0 && rec.slice(0, eq) === "path") path = rec.slice(eq + 1);
    i += len;
  }
  return path;
}

/** Regular files of a tar archive, in archive order. Other entry types are skipped. */
export function untarFiles(tar: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + BLOCK <= tar.length) {
    const h = tar.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = _num(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    const dataStart = off + BLOCK;
    if (dataStart + size > tar.length) {
      throw new RegistryError("truncated tar archive", { code: "LayerInvalid" });
    }
    const data = tar.slice(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = _str(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      longName = _paxPath(data) ?? longName;
      continue;
    }
    if (type === "g") continue;
    let name = _str(h, 0, 100);
    const magic = _str(h, 257, 6);
    if (magic.startsWith("ustar")) {
      const prefix = _str(h, 345, 155);
      if (prefix !== "") name = `${prefix}/${name}`;
    }
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type === "0" || type === "\0" || type === "7") out.push({ name, data });
  }
  return out;
}

/** gzip at level 9 (no name, mtime 0). */
export function gzip(data: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(data, { level: 9 }));
}

export function gunzip(data: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(data));
  } catch (cause) {
    throw new RegistryError("layer is not valid gzip data", { code: "LayerInvalid", cause });
  }
}

/** The file name inside a pack layer (compiler.md §6.9). */
export const PACK_LAYER_FILE = "manifests.yaml";

/** A pack layer: a gzip'd tar with one file `manifests.yaml` holding `text`. */
export function packLayer(text: string): Uint8Array {
  return gzip(tarFiles([{ name: PACK_LAYER_FILE, data: _enc.encode(text) }]));
}

/** The `.yaml`/`.yml` files of a gzip'd tar (what the runtime applies), in archive order. */
export function readYamlFiles(tgz: Uint8Array): { name: string; text: string }[] {
  const dec = new TextDecoder();
  return untarFiles(gunzip(tgz))
    .filter((e) => /\.ya?ml$/.test(e.name))
    .map((e) => ({ name: e.name, text: dec.decode(e.data) }));
}
