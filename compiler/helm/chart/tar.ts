// Minimal tar reader (ustar, GNU long names, PAX path) and gzip via DecompressionStream.

export interface TarEntry {
  name: string;
  type: string; // typeflag character ("0" regular, "5" dir, …)
  data: Uint8Array;
}

const dec = new TextDecoder();

function cstr(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return dec.decode(b.subarray(off, end));
}

function octal(b: Uint8Array, off: number, len: number): number {
  if (b[off]! & 0x80) {
    // base-256
    let n = 0;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + b[i]!;
    return n;
  }
  const s = cstr(b, off, len).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const s = dec.decode(data);
  let i = 0;
  while (i < s.length) {
    const sp = s.indexOf(" ", i);
    if (sp < 0) break;
    const len = parseInt(s.slice(i, sp), 10);
    if (!(len > 0)) break;
    const rec = s.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export function readTar(buf: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  let pax: Record<string, string> | undefined;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    let name = cstr(h, 0, 100);
    const magic = cstr(h, 257, 6);
    if (magic.startsWith("ustar")) {
      const prefix = cstr(h, 345, 155);
      if (prefix) name = prefix + "/" + name;
    }
    const data = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = cstr(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      pax = parsePax(data);
      continue;
    }
    if (type === "g") continue;
    if (longName !== undefined) name = longName;
    if (pax?.path !== undefined) name = pax.path;
    longName = undefined;
    pax = undefined;
    out.push({ name, type: type === "\0" ? "0" : type, data: data.slice() });
  }
  return out;
}

export async function gunzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 3 && data[0] === 0x1f && data[1] === 0x8b && data[2] === 0x08;
}
