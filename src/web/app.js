/**
 * The detkit web page: choose or drop an image, send it to the server's `/v1/detect/{model}`
 * once with a low threshold, then filter that response locally as the threshold slider moves,
 * so exploring thresholds never re-runs the model. Plain ES module, no build step.
 */

/** Asked of the server; anything above it is kept and filtered here. */
const REQUEST_THRESHOLD = 0.05;
const MAX_DETECTIONS = 100;

const $ = (id) => document.getElementById(id);
const ui = {
  model: $('model'),
  threshold: $('threshold'),
  thresholdValue: $('threshold-value'),
  file: $('image'),
  drop: $('drop'),
  status: $('status'),
  result: $('result'),
  preview: $('preview'),
  boxes: $('boxes'),
  imageSize: $('image-size'),
  rows: document.querySelector('#detections tbody'),
  count: $('detections-count'),
  timings: $('timings'),
};

/** The last server response and the image it belongs to. */
let last;
let currentFile;
let previewUrl;
/** Bumped each request, so a slow response never overwrites a newer one. */
let requestSeq = 0;

function setStatus(text, state) {
  ui.status.textContent = text;
  ui.status.dataset.state = state;
}

async function loadModels() {
  try {
    const response = await fetch('/v1/models');
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const { models, default: defaultModel } = await response.json();
    ui.model.replaceChildren(
      ...models.map((m) => {
        const option = new Option(m.family && m.family !== m.name ? `${m.name} (${m.family})` : m.name, m.name);
        option.disabled = m.ready === false;
        option.selected = m.name === defaultModel;
        return option;
      }),
    );
    ui.model.disabled = models.length === 0;
    setStatus(models.length ? 'Choose or drop an image.' : 'The server has no models.', 'idle');
  } catch (e) {
    setStatus(`Could not list the models: ${e.message}`, 'error');
  }
}

async function detect(file) {
  const seq = ++requestSeq;
  const model = ui.model.value;
  setStatus(`Detecting with ${model}…`, 'busy');
  const url = `/v1/detect/${encodeURIComponent(model)}?threshold=${REQUEST_THRESHOLD}&max_detections=${MAX_DETECTIONS}`;
  try {
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error?.message ?? body.message ?? `HTTP ${response.status}`);
    if (seq !== requestSeq) return;
    last = { ...body, roundTripMs: performance.now() - started };
    render();
  } catch (e) {
    if (seq === requestSeq) setStatus(`Detection failed: ${e.message}`, 'error');
  }
}

function labelOf(d) {
  return d.label ?? `class ${d.class_id}`;
}

/** A stable colour for a class id. */
function colourOf(classId) {
  return `hsl(${(classId * 137.508) % 360} 85% 45%)`;
}

function render() {
  const threshold = Number(ui.threshold.value);
  ui.thresholdValue.value = threshold.toFixed(2);
  if (!last) return;
  const { width, height } = last.image;
  const shown = last.detections.filter((d) => d.score >= threshold);

  ui.boxes.replaceChildren(
    ...shown.map((d) => {
      const [x1, y1, x2, y2] = d.box;
      const box = document.createElement('div');
      box.className = 'box';
      // Percentages of the original size, so the boxes follow the image however it is scaled.
      Object.assign(box.style, {
        left: `${(100 * x1) / width}%`,
        top: `${(100 * y1) / height}%`,
        width: `${(100 * (x2 - x1)) / width}%`,
        height: `${(100 * (y2 - y1)) / height}%`,
        borderColor: colourOf(d.class_id),
      });
      const tag = document.createElement('span');
      tag.textContent = `${labelOf(d)} ${d.score.toFixed(2)}`;
      tag.style.background = colourOf(d.class_id);
      box.append(tag);
      return box;
    }),
  );

  ui.rows.replaceChildren(
    ...shown.map((d, i) => {
      const row = document.createElement('tr');
      row.dataset.label = labelOf(d);
      row.dataset.score = String(d.score);
      const cells = [String(i + 1), labelOf(d), d.score.toFixed(3), d.box.map((v) => v.toFixed(1)).join(', ')];
      for (const text of cells) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      row.cells[1].prepend(swatch(d.class_id));
      return row;
    }),
  );
  const hidden = last.detections.length - shown.length;
  ui.count.textContent = `${shown.length} detection${shown.length === 1 ? '' : 's'} at score ≥ ${threshold.toFixed(2)}${hidden ? ` (${hidden} below)` : ''}`;
  ui.imageSize.textContent = `${width} × ${height} px · ${last.model} v${last.version}`;
  renderTimings();
  ui.result.hidden = false;
  setStatus(`${shown.length} of ${last.detections.length} detections shown.`, 'done');
}

function swatch(classId) {
  const s = document.createElement('span');
  s.className = 'swatch';
  s.style.background = colourOf(classId);
  return s;
}

function renderTimings() {
  const t = last.timings ?? {};
  const entries = [
    ['queue', t.queue_ms],
    ['decode', t.decode_ms],
    ['preprocess', t.preprocess_ms],
    ['inference', t.inference_ms],
    ['postprocess', t.postprocess_ms],
    ['server total', t.total_ms],
    ['round trip', last.roundTripMs],
  ];
  ui.timings.replaceChildren(
    ...entries
      .filter(([, ms]) => typeof ms === 'number')
      .flatMap(([name, ms]) => {
        const dt = document.createElement('dt');
        dt.textContent = name;
        const dd = document.createElement('dd');
        dd.textContent = `${ms.toFixed(1)} ms`;
        return [dt, dd];
      }),
  );
}

function choose(file) {
  if (!file) return;
  if (!/^image\/(jpeg|png|webp)$/.test(file.type)) {
    setStatus(`Not a JPEG, PNG or WebP image: ${file.name}`, 'error');
    return;
  }
  currentFile = file;
  last = undefined;
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(file);
  ui.preview.src = previewUrl;
  ui.preview.alt = file.name;
  detect(file);
}

ui.threshold.addEventListener('input', render);
ui.file.addEventListener('change', () => choose(ui.file.files?.[0]));
ui.model.addEventListener('change', () => currentFile && detect(currentFile));
ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  choose(e.dataTransfer?.files?.[0]);
});
// Whole-page drops would otherwise navigate away to the file.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

render();
loadModels();
