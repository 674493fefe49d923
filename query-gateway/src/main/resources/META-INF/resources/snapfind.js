// The search page: send the photo to POST /v1/search, draw the detected boxes, list the matches per object with the
// pictures the pipeline stored; a click on a hit asks POST /v1/explain where its similarity comes from.
const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'];
const form = document.getElementById('search-form');
const input = document.getElementById('photo');
const dropZone = document.getElementById('drop-zone');
const statusLine = document.getElementById('status');
const resultsSection = document.getElementById('results');
let currentFile = null;

input.addEventListener('change', () => input.files[0] && search(input.files[0]));
['category', 'filter', 'mode', 'min-score'].forEach(id =>
  document.getElementById(id).addEventListener('change', () => currentFile && search(currentFile)));
dropZone.addEventListener('dragover', event => { event.preventDefault(); dropZone.classList.add('over'); });
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', event => {
  event.preventDefault();
  dropZone.classList.remove('over');
  if (event.dataTransfer.files[0]) search(event.dataTransfer.files[0]);
});

async function search(file) {
  currentFile = file;
  const params = new URLSearchParams({ mode: document.getElementById('mode').value, k: '8' });
  const category = document.getElementById('category').value.trim();
  if (category) params.set('category', category);
  const filter = document.getElementById('filter').value.trim();
  if (filter) params.set('filter', filter);
  const minScore = document.getElementById('min-score').value;
  if (minScore !== '') params.set('minScore', minScore);
  const body = new FormData();
  body.append('image', file);
  setStatus('Searching…');
  try {
    const response = await fetch('/v1/search?' + params, { method: 'POST', body });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.detail || answer.title || response.statusText);
    await drawPhoto(file, answer);
    showResults(answer);
    const t = answer.timings;
    setStatus(`Found in ${t.totalMs} ms (detect ${t.detectMs}, embed ${t.embedMs}, search ${t.searchMs})`
      + (answer.degraded ? ' — ' + answer.degraded : ''));
  } catch (error) {
    setStatus('Search failed: ' + error.message, true);
  }
}

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? 'error' : '';
}

function drawPhoto(file, answer) {
  return new Promise(resolve => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.getElementById('canvas');
      canvas.width = answer.width;
      canvas.height = answer.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0, answer.width, answer.height);
      context.lineWidth = Math.max(2, answer.width / 250);
      context.font = `${Math.max(14, answer.width / 45)}px sans-serif`;
      answer.results.forEach((result, i) => {
        if (result.query.label === 'image') return;
        const box = result.query.box;
        context.strokeStyle = context.fillStyle = COLOURS[i % COLOURS.length];
        context.strokeRect(box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1);
        context.fillText(`${result.query.label} ${result.query.score.toFixed(2)}`, box.x1 + 4, box.y1 + 18);
      });
      document.getElementById('query').hidden = false;
      URL.revokeObjectURL(image.src);
      resolve();
    };
    image.src = URL.createObjectURL(file);
  });
}

function showResults(answer) {
  resultsSection.replaceChildren(...answer.results.map((result, i) => {
    const section = element('div', 'object');
    const heading = element('h2');
    const swatch = element('span', 'swatch');
    swatch.style.background = COLOURS[i % COLOURS.length];
    heading.append(swatch, result.query.label === 'image' ? 'Whole photo' : result.query.label);
    section.append(heading);
    if (result.hits.length === 0) {
      section.append(element('p', 'empty', result.message || 'No match'));
      return section;
    }
    const grid = element('div', 'grid');
    result.hits.forEach(hit => {
      const card = element('button', 'hit');
      card.type = 'button';
      card.title = 'Why does this match?';
      const img = element('img');
      img.src = pictureUrl(hit);
      img.alt = hit.title || hit.productId;
      img.loading = 'lazy';
      const fallback = hit.metadata && (hit.metadata.imageUrl || hit.metadata.thumbnailUrl);
      img.onerror = () => { if (fallback && img.src !== fallback) img.src = fallback; else img.remove(); };
      const product = element('a', 'product-picture', 'product picture');
      product.href = `/v1/products/${encodeURIComponent(hit.productId)}/picture`;
      product.target = '_blank';
      product.addEventListener('click', event => event.stopPropagation());
      const similar = element('span', 'more-like-this', 'more like this');
      similar.setAttribute('role', 'button');
      similar.tabIndex = 0;
      const showSimilar = event => { event.stopPropagation(); moreLikeThis(hit); };
      similar.addEventListener('click', showSimilar);
      similar.addEventListener('keydown', event => (event.key === 'Enter' || event.key === ' ') && showSimilar(event));
      card.append(img, element('span', 'score', hit.score.toFixed(3)), element('div', 'title', hit.title || hit.productId),
        element('div', 'meta', `${hit.category} · ${hit.productId}`), product, similar);
      // A photo's hits can be explained; a "more like this" list has no photo to explain against.
      if (result.query.box) card.addEventListener('click', () => explain(result, hit));
      else card.title = '';
      grid.append(card);
    });
    section.append(grid);
    return section;
  }));
}

// More like this: the products nearest to an indexed one, searched with its own vectors, with the same filters.
async function moreLikeThis(hit) {
  const params = new URLSearchParams({ k: '8' });
  const category = document.getElementById('category').value.trim();
  if (category) params.set('category', category);
  const filter = document.getElementById('filter').value.trim();
  if (filter) params.set('filter', filter);
  setStatus('Looking for products like ' + (hit.title || hit.productId) + '…');
  try {
    const response = await fetch(`/v1/products/${encodeURIComponent(hit.productId)}/similar?` + params);
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.detail || answer.title || response.statusText);
    showResults({ results: [{ query: { label: 'like ' + (hit.title || hit.productId) }, hits: answer.hits,
      message: answer.hits.length ? null : 'No other product matches' }] });
    setStatus(`${answer.hits.length} products like ${hit.title || hit.productId} (${answer.modelId})`);
  } catch (error) {
    setStatus('More like this failed: ' + error.message, true);
  }
}

function pictureUrl(hit) {
  return `/v1/products/${encodeURIComponent(hit.productId)}/pictures/${encodeURIComponent(hit.cropId)}`;
}

// Heatmaps of one hit: where, in the query region and in the matched crop, the similarity comes from.
async function explain(result, hit) {
  const dialog = document.getElementById('explain');
  const body = new FormData();
  body.append('image', currentFile);
  const box = result.query.box;
  if (result.query.label !== 'image') body.append('box', [box.x1, box.y1, box.x2, box.y2].join(','));
  body.append('productId', hit.productId);
  body.append('cropId', hit.cropId);
  document.getElementById('explain-title').textContent = `Why ${hit.title || hit.productId} matches`;
  document.getElementById('explain-note').textContent = 'Explaining…';
  if (!dialog.open) dialog.showModal();
  try {
    const response = await fetch('/v1/explain', { method: 'POST', body });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.detail || answer.title || response.statusText);
    await Promise.all([
      drawHeat(document.getElementById('explain-query'), 'data:image/jpeg;base64,' + answer.queryPicture, answer.query),
      drawHeat(document.getElementById('explain-match'), answer.matchPicture, answer.match)]);
    document.getElementById('explain-note').textContent = `Similarity ${answer.score.toFixed(3)} (${answer.modelId}). `
      + 'Red marks the places the score depends on most: without them it would drop the most.';
  } catch (error) {
    document.getElementById('explain-note').textContent = 'No explanation: ' + error.message;
  }
}

// The picture with its positive heat over the part the model saw (its centre crop), smoothly scaled up.
function drawHeat(canvas, src, side) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const scale = 320 / Math.max(image.width, image.height);
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      const grid = document.createElement('canvas');
      grid.width = side.gridWidth;
      grid.height = side.gridHeight;
      const cells = grid.getContext('2d').createImageData(side.gridWidth, side.gridHeight);
      const max = Math.max(...side.heat, 1e-9);
      side.heat.forEach((value, i) => {
        const v = Math.max(0, value) / max;
        cells.data.set([255, Math.round(200 * (1 - v)), 0, Math.round(190 * v * v)], i * 4);
      });
      grid.getContext('2d').putImageData(cells, 0, 0);
      const sx = canvas.width / side.imageWidth;
      const sy = canvas.height / side.imageHeight;
      const [x1, y1, x2, y2] = side.window;
      context.imageSmoothingEnabled = true;
      context.drawImage(grid, x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
      resolve();
    };
    image.onerror = () => reject(new Error('the picture could not be loaded'));
    image.src = src;
  });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
