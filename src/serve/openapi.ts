/** The hand-maintained OpenAPI 3 description of every route, served at /docs/openapi.json (and read at /docs). */

const json = (schema: object) => ({ 'application/json': { schema } });
const error = { description: 'error', content: json({ $ref: '#/components/schemas/Error' }) };
const modelParam = {
  name: 'model',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
};
const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };
const imageBody = {
  required: true,
  content: {
    'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    'image/png': { schema: { type: 'string', format: 'binary' } },
    'image/webp': { schema: { type: 'string', format: 'binary' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
    'multipart/form-data': {
      schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } }, required: ['image'] },
    },
  },
};
const detectOp = (withModel: boolean) => ({
  summary: withModel ? 'Detect objects with a named model' : 'Detect objects with the default model',
  parameters: [
    ...(withModel ? [modelParam] : []),
    { name: 'threshold', in: 'query', schema: { type: 'number', minimum: 0, maximum: 1 } },
    { name: 'max_detections', in: 'query', schema: { type: 'integer', minimum: 0 } },
    { name: 'version', in: 'query', schema: { type: 'string' } },
  ],
  requestBody: imageBody,
  responses: {
    200: {
      description: 'detections in original-image pixels',
      content: json({ $ref: '#/components/schemas/DetectResponse' }),
    },
    400: error,
    401: error,
    404: error,
    413: error,
    415: error,
    429: error,
    503: error,
    504: error,
  },
});
const kserveInfer = {
  summary: 'Open Inference Protocol infer: a BYTES image → boxes, scores, class_ids, labels; or raw model tensors',
  description:
    'BYTES inputs in JSON are base64 strings (or {"b64": ...}). Binary extension: header Inference-Header-Content-Length, parameters.binary_data_size per input, outputs[].parameters.binary_data or parameters.binary_data_output.',
  requestBody: {
    required: true,
    content: { ...json({ $ref: '#/components/schemas/InferRequest' }), 'application/octet-stream': {} },
  },
  responses: {
    200: { description: 'outputs', content: json({ type: 'object' }) },
    400: error,
    404: error,
    503: error,
    504: error,
  },
};
const tfPredict = {
  summary: 'TF Serving :predict (the path segment ends in ":predict")',
  description:
    'instances: [{"b64": ...}] → predictions; inputs: {"image_bytes": [{"b64": ...}]} → outputs. Each result: detection_boxes [ymin,xmin,ymax,xmax] normalised, detection_scores, detection_classes (dataset category id when known, else class index), detection_class_labels, num_detections. parameters: threshold|confidenceThreshold, max_detections|maxPredictions.',
  requestBody: { required: true, content: json({ type: 'object' }) },
  responses: {
    200: { description: 'predictions or outputs', content: json({ type: 'object' }) },
    400: error,
    404: error,
  },
};

export function openApiDocument(version: string) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'detkit serve',
      version,
      description:
        'Object detection over HTTP. Auth (when enabled): "Authorization: Bearer <key>" or "X-API-Key". Health, metrics and docs are open.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
        Detection: {
          type: 'object',
          properties: {
            box: {
              type: 'array',
              items: { type: 'number' },
              minItems: 4,
              maxItems: 4,
              description: 'x1, y1, x2, y2 in original pixels',
            },
            score: { type: 'number' },
            class_id: { type: 'integer' },
            label: { type: 'string', nullable: true },
          },
        },
        DetectResponse: {
          type: 'object',
          properties: {
            model: { type: 'string' },
            version: { type: 'string' },
            image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
            detections: { type: 'array', items: { $ref: '#/components/schemas/Detection' } },
            timings: {
              type: 'object',
              description: 'ms; preprocess/inference/postprocess are those of the whole batch the request ran in',
              properties: Object.fromEntries(
                ['queue_ms', 'decode_ms', 'preprocess_ms', 'inference_ms', 'postprocess_ms', 'total_ms'].map((k) => [
                  k,
                  { type: 'number' },
                ]),
              ),
            },
          },
        },
        InferRequest: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            parameters: { type: 'object' },
            inputs: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  shape: { type: 'array', items: { type: 'integer' } },
                  datatype: {
                    type: 'string',
                    enum: ['BOOL', 'UINT8', 'INT8', 'INT32', 'INT64', 'FP32', 'FP64', 'BYTES'],
                  },
                  parameters: { type: 'object' },
                  data: { type: 'array', items: {} },
                },
              },
            },
            outputs: {
              type: 'array',
              items: { type: 'object', properties: { name: { type: 'string' }, parameters: { type: 'object' } } },
            },
          },
        },
      },
    },
    paths: {
      '/v1/detect': { post: detectOp(false) },
      '/v1/detect/{model}': { post: detectOp(true) },
      '/v1/models': {
        get: {
          summary: 'Models served, their versions, readiness and load errors',
          responses: { 200: { description: 'models' } },
        },
      },
      '/v1/models/{model}': {
        get: {
          summary: 'TF Serving model status',
          parameters: [modelParam],
          responses: { 200: { description: 'model_version_status' }, 404: error },
        },
      },
      '/v1/models/{model}/versions/{version}': {
        get: {
          summary: 'TF Serving model version status',
          parameters: [modelParam, versionParam],
          responses: { 200: { description: 'model_version_status' }, 404: error },
        },
      },
      '/v1/models/{model}/metadata': {
        get: {
          summary: 'TF Serving signature_def',
          parameters: [modelParam],
          responses: { 200: { description: 'metadata' } },
        },
      },
      '/v1/models/{model}:predict': { post: { ...tfPredict, parameters: [modelParam] } },
      '/v1/models/{model}/versions/{version}:predict': {
        post: { ...tfPredict, parameters: [modelParam, versionParam] },
      },
      '/v2': { get: { summary: 'Server metadata', responses: { 200: { description: 'name, version, extensions' } } } },
      '/v2/health/live': { get: { summary: 'Liveness', responses: { 200: { description: 'live' } } } },
      '/v2/health/ready': {
        get: {
          summary: 'Readiness (a model loaded, not shutting down)',
          responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
        },
      },
      '/v2/models/{model}': {
        get: {
          summary: 'Model metadata: inputs and outputs',
          parameters: [modelParam],
          responses: { 200: { description: 'metadata' }, 404: error, 503: error },
        },
      },
      '/v2/models/{model}/versions/{version}': {
        get: {
          summary: 'Model version metadata',
          parameters: [modelParam, versionParam],
          responses: { 200: { description: 'metadata' }, 404: error },
        },
      },
      '/v2/models/{model}/ready': {
        get: {
          summary: 'Model readiness',
          parameters: [modelParam],
          responses: { 200: { description: 'ready' }, 400: { description: 'not ready' } },
        },
      },
      '/v2/models/{model}/versions/{version}/ready': {
        get: {
          summary: 'Model version readiness',
          parameters: [modelParam, versionParam],
          responses: { 200: { description: 'ready' }, 400: { description: 'not ready' } },
        },
      },
      '/v2/models/{model}/infer': { post: { ...kserveInfer, parameters: [modelParam] } },
      '/v2/models/{model}/versions/{version}/infer': {
        post: { ...kserveInfer, parameters: [modelParam, versionParam] },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } },
      },
    },
  };
}

/** A small self-contained page listing the routes (no CDN: the server may run offline). */
export function openApiHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>detkit serve API</title>
<style>body{font:14px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}li{margin:.3em 0}</style>
</head><body><h1>detkit serve API</h1>
<p>OpenAPI 3 description: <a href="/docs/openapi.json">/docs/openapi.json</a></p><ul id="routes"></ul>
<script>
fetch('/docs/openapi.json').then((r) => r.json()).then((doc) => {
  const list = document.getElementById('routes');
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const li = document.createElement('li');
    li.innerHTML = '<code></code> ';
    li.firstChild.textContent = method.toUpperCase() + ' ' + path;
    li.append(op.summary + (op.description ? ' — ' + op.description : ''));
    list.append(li);
  }
});
</script></body></html>`;
}
