namespace MlNetFashion.Scoring.Api;

/// <summary>
/// The web page at GET /: drop or pick an image (or a sample), see the 28×28 the model sees, the label and the
/// probabilities of the model's own classes (GET /classes); "show why" overlays the explanation's heat map (POST
/// /predict?explain=true) on the 28×28.
/// </summary>
public static class IndexPage
{
    public const string Html = """
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>MlNetFashion — classify a garment</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6fa; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 1rem 2rem; } header h1 { margin: 0; font-size: 1.4rem; }
  main { max-width: 980px; margin: 1.5rem auto; padding: 0 1rem; display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
  .panel { background: #fff; border-radius: 10px; padding: 1.2rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  #drop { border: 2px dashed #9aa4b8; border-radius: 10px; padding: 2rem 1rem; text-align: center; cursor: pointer; }
  #drop.over { background: #e8eefc; border-color: #3b6fe0; }
  .samples { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: 1rem; }
  .samples button { border: 1px solid #d5dae4; background: #000; padding: 0; border-radius: 6px; cursor: pointer; }
  .samples img { width: 42px; height: 42px; image-rendering: pixelated; display: block; border-radius: 5px; }
  .seen { display: flex; gap: 1rem; align-items: center; }
  .view { position: relative; width: 140px; height: 140px; flex: none; background: #000; border-radius: 6px; overflow: hidden; }
  .view img, .view canvas { position: absolute; inset: 0; width: 100%; height: 100%; image-rendering: pixelated; }
  .view img[hidden], .view canvas[hidden] { display: none; }
  .why { display: block; margin-top: .6rem; color: #5a6477; font-size: .9rem; cursor: pointer; }
  #label { font-size: 1.8rem; font-weight: 700; } #confidence { color: #5a6477; }
  .bar { display: grid; grid-template-columns: 7.5rem 1fr 3.5rem; align-items: center; gap: .5rem; margin: .25rem 0; font-size: .9rem; }
  .pick { color: #3b6fe0; cursor: pointer; text-decoration: underline; }
  .bar div.track { background: #e9edf3; border-radius: 4px; height: .8rem; }
  .bar div.fill { background: #3b6fe0; height: 100%; border-radius: 4px; }
  .bar.top div.fill { background: #1aa260; } #error { color: #c62828; min-height: 1.2rem; }
  @media (max-width: 720px) { main { grid-template-columns: 1fr; } }
</style></head>
<body><header><h1>MlNetFashion · what garment is this?</h1></header>
<main>
  <section class="panel">
    <div id="drop">Drop an image here, or
      <label class="pick">pick a file<input id="file" type="file" accept="image/*" hidden></label>
      <div style="color:#5a6477;font-size:.85rem;margin-top:.4rem">
        any size or colour, on a plain backdrop · up to 20 MB and 50 megapixels</div></div>
    <div class="samples" id="samples"></div>
    <p id="error"></p>
  </section>
  <section class="panel">
    <div class="seen"><div class="view" title="the 28×28 image the model sees">
        <img id="seen" alt="the 28×28 image the model sees" hidden><canvas id="heat" width="28" height="28" hidden></canvas></div>
      <div><div id="label">—</div><div id="confidence">pick an image</div>
        <label class="why"><input id="why" type="checkbox"> show why (the pixels that raised this class, in red)</label></div></div>
    <div id="bars" style="margin-top:1rem"></div>
    <p id="classes" style="color:#5a6477;font-size:.85rem"></p>
  </section>
</main>
<script>
const $ = id => document.getElementById(id);
const escapeHtml = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// The model's own classes (a folder's labels, or Fashion-MNIST's ten), in probability order.
let names = [];
fetch('/classes').then(r => r.json()).then(list => { names = list; $('classes').textContent = 'classes: ' + list.join(' · '); });
// A refused image must not stand beside the previous image's label and bars, as if they were its own.
function showError(message) {
  $('seen').hidden = true; $('seen').removeAttribute('src'); $('heat').hidden = true;
  $('label').textContent = '—'; $('confidence').textContent = 'pick an image'; $('bars').innerHTML = '';
  $('error').textContent = message;
}
// The explanation's heat over the 28×28: positive heat (what raised the predicted class) in red, the hottest pixel at
// alpha 0.75 so the garment stays visible under it; negative heat is left out, as in the heat map PNG.
function drawHeat(explanation) {
  const canvas = $('heat'), context = canvas.getContext('2d');
  const image = context.createImageData(explanation.width, explanation.height);
  const max = Math.max(0, ...explanation.heatMap);
  explanation.heatMap.forEach((h, i) => {
    image.data[4 * i] = 255;
    image.data[4 * i + 3] = max > 0 ? Math.round(191 * Math.min(1, Math.max(0, h / max))) : 0;
  });
  context.putImageData(image, 0, 0);
  canvas.hidden = false;
}
// The last image classified, asked again when "show why" is turned on.
let last = null;
$('why').addEventListener('change', () => {
  if (!$('why').checked) $('heat').hidden = true;
  else if (last) classify(last.blob, last.name);
});
async function classify(blob, name) {
  $('error').textContent = '';
  last = { blob, name };
  const form = new FormData(); form.append('image', blob, name || 'image');
  const explain = $('why').checked;
  let response, body;
  try {
    response = await fetch(explain ? '/predict?explain=true' : '/predict', { method: 'POST', body: form });
    body = await response.json();
  } catch {
    // The service is down, or something in between answered with a page that is not JSON.
    showError(response ? 'HTTP ' + response.status : 'the service did not answer'); return;
  }
  if (!response.ok) { showError(body.error || ('HTTP ' + response.status)); return; }
  const p = body.prediction;
  $('seen').src = body.input28; $('seen').hidden = false;
  if (explain && body.explanation) drawHeat(body.explanation); else $('heat').hidden = true;
  $('label').textContent = p.label;
  $('confidence').textContent = (100 * p.confidence).toFixed(1) + ' % confident';
  $('bars').innerHTML = p.probabilities.map((v, i) =>
    `<div class="bar${i === p.labelIndex ? ' top' : ''}"><span>${escapeHtml(names[i] ?? i)}</span><div class="track">` +
    `<div class="fill" style="width:${(100 * v).toFixed(1)}%"></div></div><span>${(100 * v).toFixed(1)}%</span></div>`).join('');
}
$('file').addEventListener('change', e => { const f = e.target.files[0]; if (f) classify(f, f.name); });
const drop = $('drop');
drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', e => {
  e.preventDefault(); drop.classList.remove('over'); const f = e.dataTransfer.files[0]; if (f) classify(f, f.name);
});
fetch('/samples').then(r => r.json()).then(list => {
  $('samples').innerHTML = list.map(n => `<button title="${n}" data-name="${n}"><img src="/samples/${n}" alt="${n}"></button>`).join('');
  document.querySelectorAll('.samples button').forEach(b => b.addEventListener('click', async () => {
    const blob = await (await fetch('/samples/' + b.dataset.name)).blob(); classify(blob, b.dataset.name);
  }));
});
</script></body></html>
""";
}
