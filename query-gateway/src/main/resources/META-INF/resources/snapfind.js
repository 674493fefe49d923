// The search page: send the photo to POST /v1/search, draw the detected boxes, list the matches per object.
const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324'];
const form = document.getElementById('search-form');
const input = document.getElementById('photo');
const dropZone = document.getElementById('drop-zone');
const statusLine = document.getElementById('status');
const resultsSection = document.getElementById('results');
let currentFile = null;

input.addEventListener('change', () => input.files[0] && search(input.files[0]));
['category', 'mode', 'min-score'].forEach(id =>
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
      const card = element('div', 'hit');
      const url = hit.metadata && (hit.metadata.imageUrl || hit.metadata.thumbnailUrl);
      if (url) {
        const img = element('img');
        img.src = url;
        img.alt = hit.title || hit.productId;
        img.loading = 'lazy';
        card.append(img);
      }
      card.append(element('span', 'score', hit.score.toFixed(3)), element('div', 'title', hit.title || hit.productId),
        element('div', 'meta', `${hit.category} · ${hit.productId}`));
      grid.append(card);
    });
    section.append(grid);
    return section;
  }));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
