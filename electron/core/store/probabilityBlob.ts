/**
 * Probability vectors are stored as BLOBs of little-endian float32 (4 bytes per class, in the
 * run's class order): 92 bytes for 23 classes against ~250 as JSON text, exactly the precision
 * onnxruntime produced, and decoded without parsing. Explicit little-endian so a case file reads
 * the same on any machine.
 */
export function encodeProbabilities(values: ArrayLike<number>): Buffer {
  const buf = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i] as number, i * 4);
  return buf;
}

/** Decodes a probability BLOB (see {@link encodeProbabilities}). */
export function decodeProbabilities(blob: Uint8Array): Float32Array {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out = new Float32Array(blob.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
