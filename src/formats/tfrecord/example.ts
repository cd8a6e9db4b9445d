/**
 * tf.train.Example, the protobuf every TFRecord of the TF Object Detection API holds
 * (tensorflow/core/example/{example,feature}.proto), decoded with protobufjs.
 */
import protobuf from 'protobufjs/light.js';

const root = protobuf.Root.fromJSON({
  nested: {
    Example: { fields: { features: { type: 'Features', id: 1 } } },
    Features: { fields: { feature: { keyType: 'string', type: 'Feature', id: 1 } } },
    Feature: {
      oneofs: { kind: { oneof: ['bytesList', 'floatList', 'int64List'] } },
      fields: {
        bytesList: { type: 'BytesList', id: 1 },
        floatList: { type: 'FloatList', id: 2 },
        int64List: { type: 'Int64List', id: 3 },
      },
    },
    BytesList: { fields: { value: { rule: 'repeated', type: 'bytes', id: 1 } } },
    FloatList: { fields: { value: { rule: 'repeated', type: 'float', id: 1, options: { packed: true } } } },
    Int64List: { fields: { value: { rule: 'repeated', type: 'int64', id: 1, options: { packed: true } } } },
  },
  // protobufjs' typings omit `keyType` (map fields) though its JSON format has it.
} as unknown as protobuf.INamespace);
const ExampleType = root.lookupType('Example');

/** A feature's values: bytes lists, float32 lists (as numbers) or int64 lists (as numbers). */
export type FeatureValue =
  | { kind: 'bytes'; value: Uint8Array[] }
  | { kind: 'float'; value: number[] }
  | { kind: 'int64'; value: number[] };

export type Features = Map<string, FeatureValue>;

interface DecodedFeature {
  bytesList?: { value?: Uint8Array[] };
  floatList?: { value?: number[] };
  int64List?: { value?: (number | { toNumber(): number })[] };
}

export function decodeExample(bytes: Uint8Array): Features {
  const message = ExampleType.decode(bytes) as unknown as {
    features?: { feature?: Record<string, DecodedFeature> };
  };
  const out: Features = new Map();
  for (const [key, f] of Object.entries(message.features?.feature ?? {})) {
    if (f.bytesList) out.set(key, { kind: 'bytes', value: f.bytesList.value ?? [] });
    else if (f.floatList) out.set(key, { kind: 'float', value: f.floatList.value ?? [] });
    else if (f.int64List) {
      out.set(key, {
        kind: 'int64',
        value: (f.int64List.value ?? []).map((v) => (typeof v === 'number' ? v : v.toNumber())),
      });
    }
  }
  return out;
}

export function encodeExample(features: Features): Uint8Array {
  const feature: Record<string, DecodedFeature> = {};
  for (const [key, f] of features) {
    if (f.kind === 'bytes') feature[key] = { bytesList: { value: f.value } };
    else if (f.kind === 'float') feature[key] = { floatList: { value: f.value } };
    else feature[key] = { int64List: { value: f.value } };
  }
  return ExampleType.encode(ExampleType.fromObject({ features: { feature } })).finish();
}
