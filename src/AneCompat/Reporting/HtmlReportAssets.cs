namespace AneCompat.Reporting;

/// <summary>The inline CSS, page skeleton and script of the HTML report (kept apart from the writer for readability).</summary>
internal static class HtmlReportAssets
{
    public const string Css = """
:root { --ane: #2e7d32; --cpu: #1565c0; --gpu: #ef6c00; --none: #9e9e9e; --bg: #fafafa; --fg: #212121; --line: #e0e0e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 16px 0 6px; }
.verdict { font-size: 16px; font-weight: 600; }
.status-0 { color: var(--ane); } .status-1 { color: #b26a00; } .status-2 { color: #c62828; }
.meta { color: #555; font-size: 13px; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 16px; padding: 0 20px 20px; }
section { min-width: 0; }
#segments { display: flex; flex-wrap: wrap; gap: 2px; padding: 6px; background: #fff; border: 1px solid var(--line); }
.seg { border: 0; min-width: 14px; height: 28px; color: #fff; font-size: 11px; cursor: pointer; overflow: hidden; white-space: nowrap; padding: 0 4px; }
.seg.active { outline: 3px solid #000; outline-offset: -3px; }
.dev-ane { background: var(--ane); } .dev-cpu { background: var(--cpu); } .dev-gpu { background: var(--gpu); } .dev-none { background: var(--none); }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 6px; color: #fff; border-radius: 3px; font-size: 12px; }
#filter { width: 100%; padding: 6px; margin: 6px 0; border: 1px solid var(--line); }
#oplist { position: relative; height: 60vh; overflow-y: auto; background: #fff; border: 1px solid var(--line); }
#opspacer { position: relative; }
.op { position: absolute; left: 0; right: 0; height: 24px; display: flex; align-items: center; gap: 8px; padding: 0 8px; cursor: pointer;
      border-bottom: 1px solid #f0f0f0; border-left: 6px solid var(--none); font-size: 13px; white-space: nowrap; }
.op:hover { background: #f5f5f5; } .op.selected { background: #e3f2fd; }
.op.d-ane { border-left-color: var(--ane); } .op.d-cpu { border-left-color: var(--cpu); } .op.d-gpu { border-left-color: var(--gpu); }
.op .idx { width: 56px; color: #777; text-align: right; } .op .nm { flex: 1; overflow: hidden; text-overflow: ellipsis; }
.op .kd { width: 150px; overflow: hidden; text-overflow: ellipsis; color: #555; } .op .dv { width: 40px; font-weight: 600; }
.op .fc { width: 70px; color: #c62828; text-align: right; }
.op.segstart { border-top: 2px solid #000; }
#details { background: #fff; border: 1px solid var(--line); padding: 10px; min-height: 120px; position: sticky; top: 8px; }
.finding { border-left: 4px solid var(--none); padding: 4px 8px; margin: 6px 0; background: #fafafa; }
.finding.blocks { border-left-color: #c62828; }
.rule { font-family: ui-monospace, monospace; font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; }
td, th { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; font-size: 13px; }
.muted { color: #777; }
""";

    public const string Body = """
<header>
  <h1 id="title">ANECompat report</h1>
  <div id="verdict" class="verdict"></div>
  <div id="meta" class="meta"></div>
</header>
<main>
  <section>
    <h2>Segments <span class="legend"><span class="dev-ane">ANE</span><span class="dev-cpu">CPU</span><span class="dev-gpu">GPU</span><span class="dev-none">folded</span></span></h2>
    <div id="segments" role="list"></div>
    <h2>Ops</h2>
    <input id="filter" type="search" placeholder="Filter ops by name, kind, device or rule id">
    <div id="oplist" tabindex="0"><div id="opspacer"></div></div>
    <h2>Findings by rule</h2>
    <table id="rules"><thead><tr><th>rule</th><th>effect</th><th>conf.</th><th>count</th><th>fix</th></tr></thead><tbody></tbody></table>
    <div id="notes"></div>
  </section>
  <section>
    <h2>Selected</h2>
    <div id="details"><p class="muted">Click an op or a segment.</p></div>
  </section>
</main>
""";

    public const string Script = """
(function () {
  'use strict';
  var R = JSON.parse(document.getElementById('report-data').textContent);
  var ROW = 24;
  var ops = R.ops;
  var shown = ops.map(function (_, i) { return i; });
  var selected = -1;
  var list = document.getElementById('oplist');
  var spacer = document.getElementById('opspacer');
  var details = document.getElementById('details');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function pct(x) { return x === null ? 'n/a' : (Math.round(x * 1000) / 10) + ' %'; }
  function fmtFlops(f) {
    if (f === null || f === undefined) return 'unknown';
    if (f >= 1e9) return (f / 1e9).toFixed(2) + ' GFLOP';
    if (f >= 1e6) return (f / 1e6).toFixed(2) + ' MFLOP';
    if (f >= 1e3) return (f / 1e3).toFixed(2) + ' kFLOP';
    return f + ' FLOP';
  }
  function fmtBytes(b) {
    if (b === null || b === undefined) return 'unknown';
    if (b >= 1048576) return (b / 1048576).toFixed(2) + ' MiB';
    if (b >= 1024) return (b / 1024).toFixed(1) + ' KiB';
    return b + ' B';
  }
  function devLabel(d) { return d === null ? 'folded' : d.toUpperCase(); }

  // Verdict
  var names = { 0: 'FULLY COMPATIBLE', 1: 'PARTIALLY COMPATIBLE', 2: 'NOT COMPATIBLE' };
  document.getElementById('title').textContent = 'ANECompat: ' + R.model.path;
  var v = document.getElementById('verdict');
  v.textContent = R.status.code + ' ' + names[R.status.code] + ' on ' + R.target.name + ' (compute units ' + R.computeUnits + ') — ' +
    R.placement.ops + '/' + R.placement.ofOps + ' compute ops predicted on the ANE (' + pct(R.placement.opsFraction) + ' of ops, ' +
    pct(R.placement.flopsFraction) + ' of FLOPs); eligible: ' + pct(R.eligibility.opsFraction) + ' of ops, ' + pct(R.eligibility.flopsFraction) + ' of FLOPs';
  v.className = 'verdict status-' + R.status.code;
  document.getElementById('meta').textContent = R.model.modelType + ' · ' + R.model.container + ' · ' + R.counts.ops + ' ops · ' +
    R.counts.segments + ' segments · ' + R.switchCost.switches + ' device switches (≈' + R.switchCost.estimatedMs + ' ms + ' +
    fmtBytes(R.switchCost.copyBytes) + ' copied) · anecompat ' + R.tool.version;

  // Segment bar
  var segBar = document.getElementById('segments');
  R.segments.forEach(function (s) {
    var b = el('button', 'seg dev-' + s.device, s.device.toUpperCase() + ' ' + (s.member ? s.member : s.opCount));
    b.setAttribute('data-segment', s.index);
    b.setAttribute('role', 'listitem');
    b.style.flexGrow = String(Math.max(1, s.opCount));
    b.title = 'segment ' + s.index + ': ' + s.device.toUpperCase() + ' · ' + s.function +
      (s.firstOp === null ? '' : ' · ops #' + s.firstOp + '–#' + s.lastOp) + ' · ' + s.opCount + ' ops · ' + fmtFlops(s.flops) +
      (s.inputs.length ? ' · in: ' + s.inputs.map(function (t) { return t.name; }).join(', ') + ' (' + fmtBytes(s.copyBytes) + ')' : '');
    b.addEventListener('click', function () { showSegment(s); });
    segBar.appendChild(b);
  });

  // Virtualised op list: only rows inside the viewport (plus a margin) exist in the DOM.
  var segStarts = {};
  R.segments.forEach(function (s) { if (s.firstOp !== null) segStarts[s.firstOp] = true; });
  function render() {
    spacer.style.height = (shown.length * ROW) + 'px';
    var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 10);
    var last = Math.min(shown.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 10);
    spacer.textContent = '';
    for (var k = first; k < last; k++) {
      var o = ops[shown[k]];
      var row = el('div', 'op d-' + (o.device || 'none') + (segStarts[o.index] ? ' segstart' : '') + (o.index === selected ? ' selected' : ''));
      row.style.top = (k * ROW) + 'px';
      row.setAttribute('data-op', o.index);
      row.appendChild(el('span', 'idx', '#' + o.index));
      row.appendChild(el('span', 'nm', o.name || (o.kind + '#' + o.index)));
      row.appendChild(el('span', 'kd', o.source));
      row.appendChild(el('span', 'dv', devLabel(o.device)));
      row.appendChild(el('span', 'fc', o.findings.length ? o.findings.length + ' finding' + (o.findings.length > 1 ? 's' : '') : ''));
      spacer.appendChild(row);
    }
  }
  list.addEventListener('scroll', function () { window.requestAnimationFrame(render); });
  window.addEventListener('resize', render);
  spacer.addEventListener('click', function (e) {
    var row = e.target.closest('[data-op]');
    if (row) select(parseInt(row.getAttribute('data-op'), 10));
  });

  function scrollToOp(index) {
    var k = shown.indexOf(index);
    if (k < 0) { document.getElementById('filter').value = ''; applyFilter(); k = shown.indexOf(index); }
    list.scrollTop = Math.max(0, k * ROW - 2 * ROW);
    render();
  }

  function findingBox(f) {
    var box = el('div', 'finding' + (f.blocksAne ? ' blocks' : ''));
    box.setAttribute('data-rule', f.ruleId);
    var head = el('div');
    head.appendChild(el('span', 'rule', f.ruleId));
    head.appendChild(el('span', 'muted', ' · ' + f.effect + ' · confidence ' + f.confidence));
    box.appendChild(head);
    box.appendChild(el('div', '', f.message));
    if (f.fix) box.appendChild(el('div', '', 'Fix: ' + f.fix));
    if (f.sources.length) box.appendChild(el('div', 'muted', 'Sources: ' + f.sources.join(', ')));
    return box;
  }

  function kv(table, k, v) {
    var tr = el('tr');
    tr.appendChild(el('th', '', k));
    tr.appendChild(el('td', '', v));
    table.appendChild(tr);
  }

  function select(index) {
    selected = index;
    var o = ops[index];
    details.textContent = '';
    details.setAttribute('data-selected-op', index);
    details.appendChild(el('h2', '', '#' + o.index + ' ' + (o.name || o.kind)));
    var t = el('table');
    kv(t, 'kind / source', o.kind + ' / ' + o.source);
    kv(t, 'function', o.function);
    kv(t, 'device', devLabel(o.device) + (o.segment === null ? '' : ' (segment ' + o.segment + ')'));
    kv(t, 'ANE-eligible', o.role === 'compute' ? (o.eligible ? 'yes' : 'no') : o.role);
    kv(t, 'why', o.reason);
    kv(t, 'FLOPs', fmtFlops(o.cost.flops));
    kv(t, 'weights', fmtBytes(o.cost.weightBytes));
    kv(t, 'activations', fmtBytes(o.cost.activationBytes));
    kv(t, 'outputs', o.outputs.join('; '));
    details.appendChild(t);
    var fs = el('div');
    fs.id = 'op-findings';
    if (o.findings.length === 0) fs.appendChild(el('p', 'muted', 'No findings for this op.'));
    o.findings.forEach(function (f) { fs.appendChild(findingBox(f)); });
    details.appendChild(fs);
    render();
  }

  function showSegment(s) {
    Array.prototype.forEach.call(segBar.children, function (c) { c.classList.toggle('active', c.getAttribute('data-segment') === String(s.index)); });
    if (s.firstOp !== null) { scrollToOp(s.firstOp); select(s.firstOp); }
    else {
      details.textContent = '';
      details.appendChild(el('h2', '', 'Segment ' + s.index + ': ' + s.member + ' on ' + s.device.toUpperCase()));
      details.appendChild(el('p', '', 'A pipeline member without a neural network (' + s.function + ').'));
    }
  }

  function applyFilter() {
    var q = document.getElementById('filter').value.trim().toLowerCase();
    shown = [];
    for (var i = 0; i < ops.length; i++) {
      var o = ops[i];
      if (!q) { shown.push(i); continue; }
      var hay = ((o.name || '') + ' ' + o.kind + ' ' + o.source + ' ' + (o.device || 'folded') + ' ' +
        o.findings.map(function (f) { return f.ruleId; }).join(' ')).toLowerCase();
      if (hay.indexOf(q) >= 0) shown.push(i);
    }
    list.scrollTop = 0;
    render();
  }
  document.getElementById('filter').addEventListener('input', applyFilter);

  // Rules, model-level findings, notes, warnings
  var tbody = document.querySelector('#rules tbody');
  R.rules.forEach(function (r) {
    var tr = el('tr');
    tr.appendChild(el('td', 'rule', r.ruleId));
    tr.appendChild(el('td', '', r.effect));
    tr.appendChild(el('td', '', r.confidence));
    tr.appendChild(el('td', '', r.count));
    tr.appendChild(el('td', '', r.fix || ''));
    tbody.appendChild(tr);
  });
  var notes = document.getElementById('notes');
  if (R.modelFindings.length) {
    notes.appendChild(el('h2', '', 'Model-level findings'));
    R.modelFindings.forEach(function (f) { notes.appendChild(findingBox(f)); });
  }
  if (R.notes.length) {
    notes.appendChild(el('h2', '', 'Notes'));
    var ul = el('ul');
    R.notes.forEach(function (n) { ul.appendChild(el('li', '', n)); });
    notes.appendChild(ul);
  }
  if (R.warnings.length) {
    notes.appendChild(el('h2', '', 'Warnings from reading'));
    var wl = el('ul');
    R.warnings.forEach(function (w) { wl.appendChild(el('li', '', w.code + ': ' + w.message)); });
    notes.appendChild(wl);
  }
  render();
})();
""";
}
