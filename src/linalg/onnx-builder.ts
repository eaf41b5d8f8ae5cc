/**
 * A minimal ONNX ModelProto encoder, written for this kit (no protobuf dependency): enough to build small compute
 * graphs (GEMM kernels, a test backbone) in memory and hand the bytes to `ort.InferenceSession.create(bytes)`.
 *
 * Only the protobuf wire format is needed: varints (wire type 0), 32-bit floats (wire type 5) and length-delimited
 * fields (wire type 2: strings, bytes, packed arrays, sub-messages). Field numbers follow onnx/onnx.proto.
 */
import { OptionError } from '../util/errors';

/** Element types the builder knows, with their ONNX TensorProto.DataType codes. */
export const ONNX_ELEM_TYPES = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, double: 11 } as const;
export type OnnxElemType = keyof typeof ONNX_ELEM_TYPES;

/** A graph input or output. A dim is a fixed size (number), a symbolic name (string) or unknown (null). */
export interface OnnxValueInfo {
  name: string;
  elemType: OnnxElemType;
  dims: (number | string | null)[];
}

/** A node attribute, tagged by its ONNX type (ONNX distinguishes int from float, so a bare number is ambiguous). */
export type OnnxAttribute =
  | { type: 'int'; value: number | bigint }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: (number | bigint)[] }
  | { type: 'floats'; value: number[] }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxInitializer };

/** Shorthands: `attr.int(1)`, `attr.floats([0.5])`, ... */
export const attr = {
  int: (value: number | bigint): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  ints: (value: (number | bigint)[]): OnnxAttribute => ({ type: 'ints', value }),
  floats: (value: number[]): OnnxAttribute => ({ type: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  tensor: (value: OnnxInitializer): OnnxAttribute => ({ type: 'tensor', value }),
};

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Unique node name. @default `${opType}_${position}` */
  name?: string;
  attributes?: Record<string, OnnxAttribute>;
  /** Operator domain. @default '' (the standard ai.onnx domain) */
  domain?: string;
}

/** A constant tensor stored in the graph (weights, shapes, k of TopK, ...). */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

export interface OnnxGraphSpec {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxNode[];
  initializers?: OnnxInitializer[];
  /** Graph name. @default 'tailedcore_graph' */
  name?: string;
  /** ai.onnx opset version. 17 is accepted by onnxruntime-node 1.30 (and by much older runtimes). @default 17 */
  opset?: number;
  /** ModelProto.ir_version; 8 is the IR that goes with opset 17. @default 8 */
  irVersion?: number;
  /** Extra opset imports, e.g. { 'com.microsoft': 1 } for contrib ops. @default {} */
  extraOpsets?: Record<string, number>;
}

// ---- protobuf wire writer -------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growable list of byte chunks. */
class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  private flushScratch(): void {
    if (this.scratch.length) {
      this.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }
  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** Raw varint; negative int64 values use the 10-byte two's complement form, as protobuf does. */
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    if (x < 0x80n) {
      this.scratch.push(Number(x));
      return;
    }
    while (x >= 0x80n) {
      this.scratch.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.scratch.push(Number(x));
  }
  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): void {
    if (typeof v === 'number' && !Number.isInteger(v))
      throw new OptionError(`ONNX builder: field ${field} needs an integer, got ${v}`);
    this.tag(field, 0);
    this.varint(v);
  }
  float(field: number, v: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    for (const x of b) this.scratch.push(x);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.flushScratch();
    this.push(b);
  }
  string(field: number, s: string): void {
    this.bytes(field, utf8.encode(s));
  }
  message(field: number, build: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter();
    build(w);
    this.bytes(field, w.finish());
  }
  packedInts(field: number, vs: (number | bigint)[]): void {
    const w = new ProtoWriter();
    for (const v of vs) w.varint(v);
    this.bytes(field, w.finish());
  }
  packedFloats(field: number, vs: number[]): void {
    const f = Float32Array.from(vs);
    this.bytes(field, new Uint8Array(f.buffer));
  }
  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

// ---- ONNX messages --------------------------------------------------------------------------------------------

function elemCode(t: OnnxElemType, where: string): number {
  const c = ONNX_ELEM_TYPES[t];
  if (c === undefined)
    throw new OptionError(
      `ONNX builder: ${where} has unknown element type '${t}' (use one of ${Object.keys(ONNX_ELEM_TYPES).join(', ')})`,
    );
  return c;
}

function initializerElemType(t: OnnxInitializer): OnnxElemType {
  if (t.data instanceof Float32Array) return 'float';
  if (t.data instanceof Float64Array) return 'double';
  if (t.data instanceof Int32Array) return 'int32';
  if (t.data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

/** TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian bytes; Node runs little-endian only). */
function writeTensor(w: ProtoWriter, t: OnnxInitializer): void {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) {
    throw new OptionError(
      `ONNX builder: initializer '${t.name}' has ${t.data.length} values but dims [${t.dims.join(', ')}] need ${n}`,
    );
  }
  for (const d of t.dims)
    if (!Number.isInteger(d) || d < 0)
      throw new OptionError(`ONNX builder: initializer '${t.name}' has a bad dim ${d}`);
  if (t.dims.length) w.packedInts(1, t.dims);
  w.int(2, ONNX_ELEM_TYPES[initializerElemType(t)]);
  w.string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/** ValueInfoProto{name=1, type=2} -> TypeProto{tensor_type=1} -> Tensor{elem_type=1, shape=2} -> Shape{dim=1}. */
function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, elemCode(v.elemType, `value '${v.name}'`));
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => {
            if (typeof d === 'number') {
              if (!Number.isInteger(d) || d < 0)
                throw new OptionError(`ONNX builder: value '${v.name}' has a bad dim ${d}`);
              dim.int(1, d);
            } else if (typeof d === 'string') dim.string(2, d);
            // null: an unknown dim is an empty Dimension message
          });
        }
      });
    }),
  );
}

/** AttributeProto: name=1, f=2, i=3, s=4, t=5, floats=7, ints=8, type=20 (FLOAT=1, INT=2, STRING=3, TENSOR=4, FLOATS=6, INTS=7). */
function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      w.int(20, 1);
      break;
    case 'int':
      w.int(3, a.value);
      w.int(20, 2);
      break;
    case 'string':
      w.string(4, a.value);
      w.int(20, 3);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      w.int(20, 4);
      break;
    case 'floats':
      for (const v of a.value) w.float(7, v);
      w.int(20, 6);
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      w.int(20, 7);
      break;
    default:
      throw new OptionError(`ONNX builder: attribute '${name}' has unknown type '${(a as { type: string }).type}'`);
  }
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7. */
function writeNode(w: ProtoWriter, n: OnnxNode, position: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.opType}_${position}`);
  w.string(4, n.opType);
  for (const [k, a] of Object.entries(n.attributes ?? {})) w.message(5, (aw) => writeAttribute(aw, k, a));
  if (n.domain) w.string(7, n.domain);
}

/**
 * Encodes a whole model: ModelProto{ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8}
 * with GraphProto{node=1, name=2, initializer=5, input=11, output=12}.
 */
export function buildOnnxModel(spec: OnnxGraphSpec): Uint8Array {
  const opset = spec.opset ?? 17;
  const names = new Set<string>();
  for (const v of [...spec.inputs, ...(spec.initializers ?? [])]) {
    if (names.has(v.name)) throw new OptionError(`ONNX builder: the name '${v.name}' is defined twice`);
    names.add(v.name);
  }
  for (const n of spec.nodes) {
    for (const i of n.inputs)
      if (i !== '' && !names.has(i))
        throw new OptionError(
          `ONNX builder: node ${n.opType} reads '${i}', which no input, initializer or earlier node defines`,
        );
    for (const o of n.outputs) names.add(o);
  }
  for (const o of spec.outputs)
    if (!names.has(o.name)) throw new OptionError(`ONNX builder: graph output '${o.name}' is not produced by any node`);

  const w = new ProtoWriter();
  w.int(1, spec.irVersion ?? 8);
  w.string(2, 'tailedcore-kit');
  w.string(3, '0.1');
  w.message(7, (g) => {
    spec.nodes.forEach((n, i) => g.message(1, (nw) => writeNode(nw, n, i)));
    g.string(2, spec.name ?? 'tailedcore_graph');
    for (const t of spec.initializers ?? []) g.message(5, (tw) => writeTensor(tw, t));
    for (const v of spec.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of spec.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, opset);
  });
  for (const [domain, version] of Object.entries(spec.extraOpsets ?? {}))
    w.message(8, (o) => {
      o.string(1, domain);
      o.int(2, version);
    });
  return w.finish();
}
