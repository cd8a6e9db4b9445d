/**
 * Malformed requests a server must refuse with a 4xx and survive — truncated bodies, wrong JSON
 * types, huge shapes, wrong datatypes — for the fault tests and the serve benchmark's flood.
 */
export interface MalformedRequest {
  name: string;
  send(): Promise<Response>;
}

/** Requests against `<url>/v1/detect/<model>` and `<url>/v2/models/<model>/infer`; `photo` is a good PNG. */
export function malformedRequests(url: string, model: string, photo: Buffer<ArrayBuffer>): MalformedRequest[] {
  const detect = (body: BodyInit, type = 'image/png', query = '') =>
    fetch(`${url}/v1/detect/${model}${query}`, { method: 'POST', headers: { 'content-type': type }, body });
  const infer = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${url}/v2/models/${model}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const v2 = (input: unknown) => JSON.stringify({ inputs: [input] });
  const binaryHeader = JSON.stringify({
    inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: photo.length + 4 } }],
  });
  const list: [string, () => Promise<Response>][] = [
    ['a truncated PNG', () => detect(photo.subarray(0, photo.length >> 1))],
    ['garbage bytes as an image', () => detect(Buffer.from('not an image at all, just text'))],
    ['an empty body', () => detect(Buffer.alloc(0))],
    ['a non-number threshold', () => detect(photo, 'image/png', '?threshold=abc')],
    [
      'a truncated multipart body',
      () => detect('--x\r\nContent-Disposition: form-data; name="image"', 'multipart/form-data; boundary=x'),
    ],
    ['JSON that does not parse', () => infer('{"inputs": [')],
    ['inputs of the wrong JSON type', () => infer('{"inputs": "image"}')],
    [
      'a tensor with a huge shape',
      () => infer(v2({ name: 'images', shape: [1e9, 1e9, 3, 3], datatype: 'FP32', data: [1] })),
    ],
    [
      'a tensor whose datatype does not exist',
      () => infer(v2({ name: 'images', shape: [1], datatype: 'FP99', data: [1] })),
    ],
    ['FP32 data given as strings', () => infer(v2({ name: 'images', shape: [2], datatype: 'FP32', data: ['a', 'b'] }))],
    [
      'a BYTES image that is garbage',
      () => infer(v2({ name: 'image', shape: [1], datatype: 'BYTES', data: ['AAAA'] })),
    ],
    [
      'a binary tensor body cut short',
      () =>
        infer(Buffer.concat([Buffer.from(binaryHeader), photo.subarray(0, 100)]), {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(binaryHeader.length),
        }),
    ],
  ];
  return list.map(([name, send]) => ({ name, send }));
}
