// ANECompat HTML report: draws a report (or a folder dashboard) from the JSON embedded in #report-data.
// The graph layout is done by dagre (bundled into the page before this script); everything else is here.
(function () {
  'use strict';
  var COLORS = { ane: '#2e7d32', cpu: '#1565c0', gpu: '#ef6c00', none: '#90a4ae' };
  var STATUS = { 0: 'FULLY COMPATIBLE', 1: 'PARTIALLY COMPATIBLE', 2: 'NOT COMPATIBLE', 3: 'UNREADABLE' };
  var NW = 168, NH = 38;            // node size in the graph
  var REGION_MAX = 120;             // top-level ops per layout region: dagre's cost grows faster than linearly, so small regions
  var EXPAND_BUDGET = 1200;         // a graph up to this many nodes is laid out and drawn whole at once
  var FIRST_VIEW_BUDGET = 500;      // a larger one opens this many at first (ops off the ANE first), the rest on demand

  // ---------- small helpers ----------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function pct(x) { return x === null || x === undefined ? 'n/a' : (Math.round(x * 1000) / 10) + ' %'; }
  function fmtFlops(f) {
    if (f === null || f === undefined) return 'unknown';
    if (f >= 1e9) return (f / 1e9).toFixed(2) + ' GFLOP';
    if (f >= 1e6) return (f / 1e6).toFixed(2) + ' MFLOP';
    if (f >= 1e3) return (f / 1e3).toFixed(2) + ' kFLOP';
    return f + ' FLOP';
  }
  function fmtBytes(b) {
    if (b === null || b === undefined) return 'unknown size';
    if (b >= 1048576) return (b / 1048576).toFixed(2) + ' MiB';
    if (b >= 1024) return (b / 1024).toFixed(1) + ' KiB';
    return b + ' B';
  }
  function devLabel(d) { return d === null || d === undefined ? 'folded' : d.toUpperCase(); }
  function opLabel(o) { return '#' + o.index + ' ' + (o.name || o.kind); }
  function trunc(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }
  function baseName(p) { var s = String(p).replace(/[\/\\]+$/, ''); var i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')); return i >= 0 ? s.slice(i + 1) : s; }
  function blocking(o) { return o.findings.filter(function (f) { return f.blocksAne; }); }
  // A segment's typed interface (report schema 2): tensors in and out, as one line each.
  function shapeText(t) { return t.shape === null ? '?' : '[' + t.shape.map(function (d) { return d === null ? '?' : d; }).join(', ') + ']'; }
  function tensorText(t) { return t.name + ' ' + (t.dtype || '?') + shapeText(t) + ' ' + fmtBytes(t.bytes); }
  // At most 24 tensors a side in a tooltip (a segment of a big model can have hundreds; its details list them all).
  function tensorList(list, sep) {
    if (!list.length) return 'none';
    return list.slice(0, 24).map(tensorText).join(sep) + (list.length > 24 ? sep + '\u2026 ' + (list.length - 24) + ' more' : '');
  }
  function interfaceText(s, sep) {
    return 'in: ' + tensorList(s.inputTensors || [], sep) + sep + 'out: ' + tensorList(s.outputTensors || [], sep);
  }
  var ORIGIN_FORMATS = { 'neural-network': 'NeuralNetwork layer', 'mil-program': 'ML program operation', 'mil-text': 'model.mil operation', 'espresso': 'espresso layer' };
  // Where an op sits in its file: format, locator (member/function, nested blocks, index), the name as written, line.
  function originText(o) {
    var g = o.origin;
    if (!g || g.format === 'unknown' || g.locator === null) return 'unknown';
    return ORIGIN_FORMATS[g.format] + ' ' + g.locator + (g.name !== null ? ' \u00b7 written "' + g.name + '"' : ' \u00b7 unnamed') + (g.line !== null ? ' \u00b7 line ' + g.line : '');
  }

  // ---------- why the status is what it is ----------
  // Groups the compute ops kept off the ANE by the rule behind their placement, and tells apart eligibility (a rule
  // says the ANE cannot run the op) from placement judgement (the op is eligible, the planner keeps it elsewhere).
  function explain(R) {
    var compute = R.ops.filter(function (o) { return o.role === 'compute'; });
    var off = compute.filter(function (o) { return o.device !== 'ane'; });
    var groups = {}, order = [];
    off.forEach(function (o) {
      var b = blocking(o);
      var key = o.reasonRule || (b.length ? b[0].ruleId : 'unexplained');
      if (!groups[key]) { groups[key] = { rule: key, ops: [], devices: {}, ineligible: 0, reason: o.reason }; order.push(key); }
      var g = groups[key];
      g.ops.push(o);
      g.devices[o.device] = (g.devices[o.device] || 0) + 1;
      if (!o.eligible) g.ineligible++;
    });
    order.sort(function (a, b) { return groups[b].ops.length - groups[a].ops.length; });
    var members = R.segments.filter(function (s) { return s.member; });
    var items = order.map(function (k) {
      var g = groups[k];
      var dk = Object.keys(g.devices);
      var devs = dk.map(function (d) { return (dk.length > 1 ? g.devices[d] + ' ' : '') + '\u2192 ' + devLabel(d); }).join(', ');
      var kind = g.ineligible === g.ops.length ? 'the ANE cannot run them' : g.ineligible === 0 ? 'placement judgement: eligible, but kept off the ANE' : 'rule and placement judgement';
      return { rule: g.rule, ops: g.ops, reason: g.reason, text: g.ops.length + ' op' + (g.ops.length > 1 ? 's' : '') + ' ' + devs + ' — ' + kind };
    });
    members.forEach(function (s) {
      items.push({ rule: null, ops: [], text: 'pipeline member ' + s.function + ' (' + s.member + ') runs on the ' + devLabel(s.device) + ': it is not a neural network' });
    });
    var headline;
    var code = R.status.code;
    if (code === 0) headline = 'Nothing blocks the ANE: all ' + compute.length + ' compute ops are eligible and predicted on the ANE.';
    else if (compute.length === 0 && members.length === 0) headline = 'There is no neural-network work in this model for the ANE to run.';
    else if (code === 2 && R.eligibility.ops === R.eligibility.ofOps && R.eligibility.ofOps > 0)
      headline = 'Not compatible although every compute op is eligible: ' + (items.length && items[0].rule ? 'the placement judgement ' + items[0].rule : 'a placement judgement') + ' keeps the work off the ANE.';
    else if (code === 2) headline = 'Not compatible: no work is predicted on the ANE' + (items.length && items[0].rule ? ', mainly because of ' + items[0].rule : '') + '.';
    else headline = 'Partially compatible: ' + R.placement.ops + ' of ' + R.placement.ofOps + ' compute ops are predicted on the ANE; the rest leave it because of:';
    return { ok: code === 0, headline: headline, items: items };
  }

  function shareBox(title, s, hint) {
    var box = el('div', 'share');
    box.title = hint;
    box.appendChild(el('div', 'lbl', title));
    box.appendChild(el('div', 'big', pct(s.opsFraction)));
    var bar = el('div', 'bar'), fill = el('i');
    fill.style.width = ((s.opsFraction || 0) * 100) + '%';
    bar.appendChild(fill);
    box.appendChild(bar);
    box.appendChild(el('div', 'small', s.ops + ' / ' + s.ofOps + ' ops · ' + pct(s.flopsFraction) + ' of FLOPs'));
    return box;
  }

  // ---------- one model's report ----------
  // opts (the diff page draws two of these side by side): prefix for element ids, marks {op index: 'on'|'off'} for ops
  // that moved onto or off the ANE, onSelect(index) called when the user selects an op here.
  function ReportView(R, root, back, opts) {
    opts = opts || {};
    var P = opts.prefix || '';
    var marks = opts.marks || {};
    root.textContent = '';
    var ops = R.ops;
    var selected = -1;
    var hooks = {};

    // Header: verdict, why, the two numbers, target matrix
    var head = el('header', 'top');
    if (back) { var b = el('a', 'back', '\u2190 ' + back.label); b.href = back.href; head.appendChild(b); }
    var h1 = el('h1', '', baseName(R.model.path));
    h1.appendChild(el('span', 'sub', '  ' + R.model.modelType + ' · ' + R.model.container + ' · ' + R.target.name + ' · compute units ' + R.computeUnits));
    h1.id = P + 'title';
    h1.title = R.model.path;
    head.appendChild(h1);
    var row = el('div', 'verdict-row');
    var chip = el('div', 'status-chip status-' + R.status.code, R.status.code + ' ' + STATUS[R.status.code]);
    chip.id = P + 'verdict';
    var left = el('div');
    left.appendChild(chip);
    row.appendChild(left);
    var ex = explain(R);
    var why = el('div', 'why' + (ex.ok ? ' ok' : ''));
    why.id = P + 'why';
    var headline = el('div');
    headline.appendChild(el('b', '', R.statusReason ? R.statusReason : ex.headline));
    why.appendChild(headline);
    if (R.statusReason && R.statusReason !== ex.headline) why.appendChild(el('div', 'muted', ex.headline));
    if (ex.items.length) {
      var ul = el('ul');
      ex.items.slice(0, 5).forEach(function (it) {
        var li = el('li');
        if (it.reason) li.title = it.reason;
        li.setAttribute('data-why-rule', it.rule || '');
        if (it.rule) {
          var r = el('span', 'rule', it.rule);
          r.title = 'show these ops';
          r.addEventListener('click', function () { search.value = it.rule; onSearch(); if (it.ops.length) selectOp(it.ops[0].index, true); });
          li.appendChild(r);
          li.appendChild(document.createTextNode(': '));
        }
        li.appendChild(document.createTextNode(it.text));
        if (it.ops.length) li.appendChild(el('span', 'muted', ': ' + it.ops.slice(0, 3).map(function (o) { return trunc(opLabel(o), 36); }).join(', ') + (it.ops.length > 3 ? ', \u2026' : '')));
        ul.appendChild(li);
      });
      if (ex.items.length > 5) ul.appendChild(el('li', 'muted', (ex.items.length - 5) + ' more in the findings table below'));
      why.appendChild(ul);
    }
    row.appendChild(why);
    var shares = el('div', 'shares');
    shares.appendChild(shareBox('Eligible', R.eligibility, 'Eligibility: the share of compute ops the ANE can run (no rule blocks them)'));
    shares.appendChild(shareBox('Placed on the ANE', R.placement, 'Placement: the share Core ML will probably put on the ANE after its cost heuristics'));
    row.appendChild(shares);
    head.appendChild(row);
    head.appendChild(el('div', 'meta', R.counts.ops + ' ops (' + R.counts.computeOps + ' compute, ' + R.counts.foldedOps + ' folded constants, ' + R.counts.hostOps + ' host) · ' +
      R.counts.segments + ' segment' + (R.counts.segments === 1 ? '' : 's') + ' · ' + R.switchCost.switches + ' device switches (\u2248' + R.switchCost.estimatedMs + ' ms + ' +
      fmtBytes(R.switchCost.copyBytes) + ' copied) · ' + fmtBytes(R.model.weightBytes) + ' of weights · anecompat ' + R.tool.version));
    if (R.targets && R.targets.length) head.appendChild(matrixTable(R.targets));
    root.appendChild(head);

    var main = el('main', 'app');
    var leftCol = el('section');
    var rightCol = el('section');
    main.appendChild(leftCol);
    main.appendChild(rightCol);
    root.appendChild(main);

    // Graph card
    var gcard = el('div', 'card');
    var tb = el('div', 'toolbar');
    var search = el('input');
    search.type = 'search';
    search.id = P + 'search';
    search.placeholder = 'Search ops by name, kind or rule id (Enter: next match)';
    tb.appendChild(search);
    var count = el('span', 'count');
    tb.appendChild(count);
    var constLbl = el('label');
    var constBox = el('input');
    constBox.type = 'checkbox';
    constBox.id = P + 'show-const';
    constLbl.appendChild(constBox);
    constLbl.appendChild(document.createTextNode('constants (' + R.counts.foldedOps + ')'));
    tb.appendChild(constLbl);
    var fitBtn = el('button', '', 'Fit'); fitBtn.id = P + 'fit'; tb.appendChild(fitBtn);
    var expBtn = el('button', '', 'Expand all'); expBtn.id = P + 'expand-all'; tb.appendChild(expBtn);
    var colBtn = el('button', '', 'Collapse all'); colBtn.id = P + 'collapse-all'; tb.appendChild(colBtn);
    var legend = el('span', 'legend');
    [['ane', 'ANE'], ['cpu', 'CPU'], ['gpu', 'GPU'], ['none', 'folded']].forEach(function (p) {
      var s = el('span'); var i = el('i'); i.style.background = COLORS[p[0]]; s.appendChild(i); s.appendChild(document.createTextNode(p[1])); legend.appendChild(s);
    });
    var bs = el('span'); bs.appendChild(el('i', 'bd')); bs.appendChild(document.createTextNode('boundary tensor')); legend.appendChild(bs);
    tb.appendChild(legend);
    gcard.appendChild(tb);
    var gbox = el('div', 'graph');
    gbox.id = P + 'graph';
    gcard.appendChild(gbox);
    leftCol.appendChild(gcard);

    // Segment bar + op table card
    var tcard = el('div', 'card');
    tcard.style.marginTop = '14px';
    var segBar = el('div', 'segments');
    segBar.id = P + 'segments';
    segBar.setAttribute('role', 'list');
    tcard.appendChild(segBar);
    var hdr = el('div', 'ophead');
    ['#', 'name', 'type', 'device', 'findings'].forEach(function (t, i) { hdr.appendChild(el('span', ['idx', 'nm', 'kd', 'dv', 'fc'][i], t)); });
    tcard.appendChild(hdr);
    var list = el('div', 'oplist'); list.id = P + 'oplist'; list.tabIndex = 0;
    var spacer = el('div', 'opspacer'); spacer.id = P + 'opspacer';
    list.appendChild(spacer);
    tcard.appendChild(list);
    leftCol.appendChild(tcard);

    // Findings by rule
    var fcard = el('div', 'card sect');
    fcard.style.marginTop = '14px';
    fcard.appendChild(el('h2', '', 'Findings by rule'));
    var blockingRules = R.rules.filter(function (r) { return ['op-to-cpu', 'op-to-gpu', 'model-to-cpu-gpu', 'compile-fail', 'host'].indexOf(r.effect) >= 0; });
    if (R.status.code === 0 || blockingRules.length === 0) {
      var nothing = el('div', 'nothing', R.status.code === 0 ? 'Nothing blocks the ANE.' : 'No rule blocks the ANE: what keeps work off it is a placement judgement (see above).');
      nothing.id = P + 'nothing-blocks';
      fcard.appendChild(nothing);
    }
    if (R.rules.length) {
      var table = el('table'); table.id = P + 'rules';
      var thead = el('thead'); var trh = el('tr');
      ['rule', 'effect', 'conf.', 'ops', 'message', 'fix'].forEach(function (t) { trh.appendChild(el('th', '', t)); });
      thead.appendChild(trh); table.appendChild(thead);
      var tbody = el('tbody');
      R.rules.forEach(function (r) {
        var tr = el('tr');
        var td = el('td', 'rule linkish', r.ruleId);
        td.addEventListener('click', function () { search.value = r.ruleId; onSearch(); if (r.opIndices.length) selectOp(r.opIndices[0], true); });
        tr.appendChild(td);
        tr.appendChild(el('td', '', r.effect));
        tr.appendChild(el('td', '', r.confidence));
        tr.appendChild(el('td', '', r.count));
        tr.appendChild(el('td', '', r.message));
        tr.appendChild(el('td', '', r.fix || ''));
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      fcard.appendChild(table);
    }
    if (R.modelFindings.length) {
      fcard.appendChild(el('h2', '', 'Model-level findings'));
      R.modelFindings.forEach(function (f) { fcard.appendChild(findingBox(f)); });
    }
    if (R.notes.length) {
      fcard.appendChild(el('h2', '', 'Notes'));
      var nl = el('ul'); R.notes.forEach(function (n) { nl.appendChild(el('li', '', n)); }); fcard.appendChild(nl);
    }
    if (R.warnings.length) {
      fcard.appendChild(el('h2', '', 'Warnings from reading'));
      var wl = el('ul'); R.warnings.forEach(function (w) { wl.appendChild(el('li', '', w.code + ': ' + w.message)); }); fcard.appendChild(wl);
    }
    leftCol.appendChild(fcard);

    // Details
    var details = el('div', 'card details');
    details.id = P + 'details';
    details.appendChild(el('p', 'muted', 'Click an op in the graph or the table, or a segment.'));
    rightCol.appendChild(details);

    // ---- segment bar ----
    R.segments.forEach(function (s) {
      var b = el('button', 'seg dev-' + s.device, s.device.toUpperCase() + ' ' + (s.member ? s.member : s.opCount));
      b.setAttribute('data-segment', s.index);
      b.setAttribute('role', 'listitem');
      b.style.flexGrow = String(Math.max(1, s.opCount));
      b.title = 'segment ' + s.index + ': ' + s.device.toUpperCase() + ' · ' + s.function +
        (s.firstOp === null ? '' : ' · ops #' + s.firstOp + '\u2013#' + s.lastOp) + ' · ' + s.opCount + ' ops · ' + fmtFlops(s.flops) +
        (s.inputs.length ? ' · reads ' + s.inputs.map(function (t) { return t.name; }).join(', ') + ' (' + fmtBytes(s.copyBytes) + ')' : '') +
        '\n' + interfaceText(s, '\n  ');
      b.addEventListener('click', function () { showSegment(s); });
      segBar.appendChild(b);
    });

    // ---- virtualised op table ----
    var ROW = 24;
    var shown = ops.map(function (_, i) { return i; });
    var segStarts = {};
    R.segments.forEach(function (s) { if (s.firstOp !== null) segStarts[s.firstOp] = true; });
    function renderTable() {
      spacer.style.height = (shown.length * ROW) + 'px';
      var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 10);
      var last = Math.min(shown.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 10);
      spacer.textContent = '';
      for (var k = first; k < last; k++) {
        var o = ops[shown[k]];
        var r = el('div', 'op d-' + (o.device || 'none') + (segStarts[o.index] ? ' segstart' : '') + (o.index === selected ? ' selected' : '') + (marks[o.index] ? ' moved moved-' + marks[o.index] : ''));
        r.style.top = (k * ROW) + 'px';
        r.setAttribute('data-op', o.index);
        if (marks[o.index]) r.setAttribute('data-moved', marks[o.index]);
        r.appendChild(el('span', 'idx', '#' + o.index));
        var nm = el('span', 'nm', o.name || (o.kind + '#' + o.index));
        if (marks[o.index]) nm.insertBefore(el('b', 'movetag', marks[o.index] === 'on' ? 'onto the ANE' : 'off the ANE'), nm.firstChild);
        r.appendChild(nm);
        r.appendChild(el('span', 'kd', o.source));
        r.appendChild(el('span', 'dv', devLabel(o.device)));
        r.appendChild(el('span', 'fc', o.findings.length ? o.findings.length + ' finding' + (o.findings.length > 1 ? 's' : '') : ''));
        spacer.appendChild(r);
      }
    }
    list.addEventListener('scroll', function () { window.requestAnimationFrame(renderTable); });
    window.addEventListener('resize', renderTable);
    spacer.addEventListener('click', function (e) {
      var r = e.target.closest('[data-op]');
      if (r) selectOp(parseInt(r.getAttribute('data-op'), 10), true);
    });
    function scrollTableTo(index) {
      var k = shown.indexOf(index);
      if (k < 0) { search.value = ''; onSearch(); k = shown.indexOf(index); }
      var top = k * ROW;
      if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - ROW) list.scrollTop = Math.max(0, top - 3 * ROW);
      renderTable();
    }

    // ---- details ----
    function findingBox(f) {
      var box = el('div', 'finding' + (f.blocksAne ? ' blocks' : ''));
      box.setAttribute('data-rule', f.ruleId);
      var h = el('div');
      h.appendChild(el('span', 'rule', f.ruleId));
      h.appendChild(el('span', 'muted', ' · ' + f.effect + ' · confidence ' + f.confidence));
      box.appendChild(h);
      box.appendChild(el('div', '', f.message));
      if (f.fix) box.appendChild(el('div', 'fix', 'Fix: ' + f.fix));
      if (f.sources.length) box.appendChild(el('div', 'muted', 'Sources: ' + f.sources.join(', ')));
      return box;
    }
    function kv(t, k, v) {
      var tr = el('tr'); tr.appendChild(el('th', '', k));
      var td = el('td'); if (typeof v === 'string') td.textContent = v; else td.appendChild(v);
      tr.appendChild(td); t.appendChild(tr);
    }
    function opLink(i) {
      var a = el('span', 'linkish', opLabel(ops[i]));
      a.addEventListener('click', function () { selectOp(i, true); });
      return a;
    }
    // fromPeer: the other pane of a diff asked for it (so it is not echoed back).
    function selectOp(index, fromUser, fromPeer) {
      selected = index;
      var o = ops[index];
      details.textContent = '';
      details.setAttribute('data-selected-op', index);
      details.appendChild(el('h2', '', opLabel(o)));
      var t = el('table');
      kv(t, 'kind / type', o.kind + ' / ' + o.source);
      kv(t, 'function', o.function);
      var org = el('span', '', originText(o));
      org.id = P + 'op-origin';
      if (o.origin && o.origin.locator !== null) org.setAttribute('data-locator', o.origin.locator);
      kv(t, 'origin in the file', org);
      kv(t, 'device', devLabel(o.device) + (o.segment === null ? '' : ' (segment ' + o.segment + ')'));
      kv(t, 'ANE-eligible', o.role === 'compute' ? (o.eligible ? 'yes' : 'no') : o.role);
      kv(t, 'why', o.reason + (o.reasonRule ? ' [' + o.reasonRule + ']' : ''));
      kv(t, 'FLOPs', fmtFlops(o.cost.flops));
      kv(t, 'weights', fmtBytes(o.cost.weightBytes));
      kv(t, 'activations', fmtBytes(o.cost.activationBytes));
      var ins = el('div');
      (o.inputs || []).forEach(function (inp) {
        var line = el('div');
        line.appendChild(document.createTextNode(inp.name + ': ' + inp.type + ' '));
        if (inp.from !== null && inp.from !== undefined) { line.appendChild(el('span', 'muted', 'from ')); line.appendChild(opLink(inp.from)); }
        else line.appendChild(el('span', 'muted', '(input)'));
        ins.appendChild(line);
      });
      if (!(o.inputs || []).length) ins.textContent = 'none (literals only)';
      kv(t, 'inputs', ins);
      kv(t, 'outputs', o.outputs.join('\n') || 'none');
      if (o.parent !== null && o.parent !== undefined) kv(t, 'inside block of', opLink(o.parent));
      details.appendChild(t);
      var fs = el('div'); fs.id = P + 'op-findings';
      fs.appendChild(el('h2', '', 'Findings'));
      if (o.findings.length === 0) fs.appendChild(el('p', 'muted', 'No findings for this op.'));
      o.findings.forEach(function (f) { fs.appendChild(findingBox(f)); });
      details.appendChild(fs);
      scrollTableTo(index);
      if (graph) graph.select(index, fromUser);
      if (opts.onSelect && !fromPeer) opts.onSelect(index);
    }
    // The segment's boundary as a sub-model cut there would declare it: each tensor's name, dtype, shape and bytes.
    function interfaceTable(s) {
      var t = el('table', 'iface');
      t.setAttribute('data-interface', s.index);
      var h = el('tr');
      ['', 'tensor', 'dtype', 'shape', 'bytes', 'from'].forEach(function (c) { h.appendChild(el('th', '', c)); });
      t.appendChild(h);
      [['in', s.inputTensors || []], ['out', s.outputTensors || []]].forEach(function (side) {
        side[1].forEach(function (x) {
          var r = el('tr');
          r.setAttribute('data-tensor', side[0]);
          r.setAttribute('data-name', x.name);
          [side[0], x.name, x.dtype || '?', shapeText(x), fmtBytes(x.bytes),
            side[0] === 'out' ? '' : x.fromSegment === null ? 'model input' : 'segment ' + x.fromSegment].forEach(function (c) { r.appendChild(el('td', '', c)); });
          t.appendChild(r);
        });
      });
      if (!(s.inputTensors || []).length && !(s.outputTensors || []).length) {
        var r = el('tr'); var c = el('td', 'muted', 'no tensors cross this segment\'s boundary'); c.colSpan = 6; r.appendChild(c); t.appendChild(r);
      }
      return t;
    }
    function showSegment(s) {
      Array.prototype.forEach.call(segBar.children, function (c) { c.classList.toggle('active', c.getAttribute('data-segment') === String(s.index)); });
      if (s.firstOp !== null) {
        selectOp(s.firstOp, true);
        // What the segment is, above its first op: device, range, work and the tensors copied in.
        var box = el('div', 'finding');
        box.setAttribute('data-segment-details', s.index);
        box.style.borderLeftColor = COLORS[s.device];
        box.appendChild(el('b', '', 'Segment ' + s.index + ' on the ' + s.device.toUpperCase()));
        box.appendChild(el('div', '', s.function + ' \u00b7 ops #' + s.firstOp + '\u2013#' + s.lastOp + ' \u00b7 ' + s.opCount + ' compute ops \u00b7 ' + fmtFlops(s.flops)));
        if (s.inputs.length) s.inputs.forEach(function (t) { box.appendChild(el('div', 'muted', 'reads ' + t.name + ' from segment ' + t.fromSegment + ' (' + fmtBytes(t.bytes) + ')')); });
        else box.appendChild(el('div', 'muted', 'copies nothing in from another device'));
        box.appendChild(interfaceTable(s));
        details.insertBefore(box, details.firstChild);
        return;
      }
      details.textContent = '';
      details.appendChild(el('h2', '', 'Segment ' + s.index + ': ' + s.member + ' on ' + s.device.toUpperCase()));
      details.appendChild(el('p', '', 'A pipeline member without a neural network (' + s.function + ').'));
      if (graph) graph.focusMember(s.index);
    }

    // ---- search: filters the table, highlights the graph ----
    var matches = [], matchAt = -1;
    function onSearch() {
      var q = search.value.trim().toLowerCase();
      shown = []; matches = []; matchAt = -1;
      for (var i = 0; i < ops.length; i++) {
        var o = ops[i];
        if (!q) { shown.push(i); continue; }
        var hay = ((o.name || '') + ' ' + o.kind + ' ' + o.source + ' ' + (o.device || 'folded') + ' ' +
          o.findings.map(function (f) { return f.ruleId; }).join(' ') + ' ' + (o.reasonRule || '')).toLowerCase();
        if (hay.indexOf(q) >= 0) { shown.push(i); matches.push(i); }
      }
      count.textContent = q ? matches.length + ' match' + (matches.length === 1 ? '' : 'es') : '';
      list.scrollTop = 0;
      renderTable();
      if (graph) graph.highlight(matches);
    }
    search.addEventListener('input', onSearch);
    search.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' || !matches.length) return;
      matchAt = (matchAt + 1) % matches.length;
      count.textContent = (matchAt + 1) + ' / ' + matches.length;
      selectOp(matches[matchAt], true);
    });

    var graph = null;
    renderTable();
    graph = GraphView(R, gbox, { select: function (i) { selectOp(i, false); }, segment: function (k) { showSegment(R.segments[k]); }, prefix: P, marks: marks, constBox: constBox });
    constBox.addEventListener('change', function () { graph.setShowConst(constBox.checked); });
    fitBtn.addEventListener('click', function () { graph.fit(); });
    expBtn.addEventListener('click', function () { graph.expandAll(); });
    colBtn.addEventListener('click', function () { graph.collapseAll(); });
    hooks.selectOp = selectOp;
    return hooks;
  }

  function matrixTable(targets) {
    var box = el('details', 'matrix');
    box.id = 'target-matrix';
    box.open = true;
    var every = targets[0].rules.filter(function (r) { return targets.every(function (t) { return t.rules.indexOf(r) >= 0; }); });
    var counts = [0, 0, 0];
    targets.forEach(function (x) { counts[x.status.code]++; });
    box.appendChild(el('summary', '', 'Every chip profile: ' + counts[0] + ' fully, ' + counts[1] + ' partially, ' + counts[2] + ' not compatible' +
      (every.length ? ' \u2014 on every chip: ' + every.join(', ') : '') + '; the rules that differ by chip are named per row.'));
    var t = el('table');
    var tr = el('tr');
    ['chip', 'status', 'placed on the ANE', 'eligible', 'rules that differ on this chip'].forEach(function (h) { tr.appendChild(el('th', '', h)); });
    t.appendChild(tr);
    targets.forEach(function (x) {
      var r = el('tr');
      r.setAttribute('data-chip', x.target.name);
      r.setAttribute('data-status', x.status.code);
      r.appendChild(el('td', '', x.target.name + ' (' + x.target.aneGeneration + ')'));
      var st = el('td', 'st'); st.appendChild(el('span', 'status-chip status-' + x.status.code, x.status.code + ' ' + x.status.name)); st.firstChild.style.fontSize = '12px'; st.firstChild.style.padding = '1px 8px';
      r.appendChild(st);
      r.appendChild(el('td', '', pct(x.placement.opsFraction) + ' (' + x.placement.ops + '/' + x.placement.ofOps + ')'));
      r.appendChild(el('td', '', pct(x.eligibility.opsFraction)));
      r.appendChild(el('td', 'rule', x.differingRules.length ? x.differingRules.join(', ') : '\u2014'));
      t.appendChild(r);
    });
    box.appendChild(t);
    return box;
  }

  // ---------- the dataflow graph ----------
  // cb: select(i) when a node is clicked; prefix for element ids; marks {op index: 'on'|'off'}; constBox, the page's
  // constants checkbox (ticked when selecting a folded op shows the constants).
  function GraphView(R, box, cb) {
    var ops = R.ops, n = ops.length;
    var marks = cb.marks || {};
    var showConst = false;
    var collapsedBlocks = {};        // op index of a block owner -> true when its blocks are folded into it
    var childCount = new Int32Array(n);
    ops.forEach(function (o) { var p = o.parent; while (p !== null && p !== undefined) { childCount[p]++; p = ops[p].parent; } });
    ops.forEach(function (o, i) { if (childCount[i] > 200) collapsedBlocks[i] = true; });

    // Regions: consecutive top-level ops of one segment of one function (at most REGION_MAX), nested ops with their owner.
    var regions = [], regionOf = new Int32Array(n), cur = null;
    for (var i = 0; i < n; i++) {
      var o = ops[i];
      if (o.parent !== null && o.parent !== undefined) { regionOf[i] = regionOf[o.parent]; regions[regionOf[i]].ops.push(i); continue; }
      var seg = o.segment;
      if (cur && cur.fn === o.function && cur.seg === null && seg !== null && cur.top < REGION_MAX) cur.seg = seg;
      if (!cur || cur.fn !== o.function || (seg !== null && cur.seg !== null && seg !== cur.seg) || cur.top >= REGION_MAX) {
        cur = { id: regions.length, fn: o.function, seg: seg, ops: [], top: 0, key: i, member: null };
        regions.push(cur);
      }
      cur.ops.push(i); if (o.role !== 'folded') cur.top++;
      regionOf[i] = cur.id;
    }
    // Non-neural pipeline members are boxes of their own, placed after the ops that run before them.
    var lastOpBefore = -1;
    R.segments.forEach(function (s) {
      if (s.firstOp !== null) { lastOpBefore = s.lastOp; return; }
      regions.push({ id: regions.length, fn: s.function, seg: s.index, ops: [], top: 0, key: lastOpBefore + 0.5, member: s });
    });
    var order = regions.slice().sort(function (a, b) { return a.key - b.key; });
    var functions = [];
    order.forEach(function (r) { if (!r.member && functions.indexOf(r.fn) < 0) functions.push(r.fn); });
    var multiFn = functions.length + order.filter(function (r) { return r.member; }).length > 1;
    var segDevice = {};
    R.segments.forEach(function (s) { segDevice[s.index] = s.device; });
    var boundaryBytes = {};
    R.segments.forEach(function (s) { s.inputs.forEach(function (t) { boundaryBytes[s.index + '\u0000' + t.name] = t.bytes; }); });

    function rep(i) {
      var o = ops[i];
      if (!showConst && o.role === 'folded') return -1;
      var r = i, p = o.parent;
      while (p !== null && p !== undefined) { if (collapsedBlocks[p]) r = p; p = ops[p].parent; }
      return r;
    }
    function visibleCount(reg) { var c = 0; for (var k = 0; k < reg.ops.length; k++) if (rep(reg.ops[k]) === reg.ops[k]) c++; return c; }
    function edgeInfo(from, to, name, type) {
      var a = ops[from], b = ops[to];
      var boundary = a.segment !== null && b.segment !== null && a.segment !== b.segment;
      var bytes = boundary ? boundaryBytes[b.segment + '\u0000' + name] : undefined;
      return { boundary: boundary, bytes: bytes, name: name, type: type, cls: boundary ? 'edge boundary' : a.role === 'folded' ? 'edge const' : 'edge' };
    }

    var perSeg = {};
    regions.forEach(function (r) { if (!r.member && r.seg !== null) perSeg[r.seg] = (perSeg[r.seg] || 0) + 1; });
    regions.forEach(function (r) { r.solo = r.seg !== null && perSeg[r.seg] === 1; });
    function hdr(reg) { return reg.solo ? 0 : 22; }
    var expanded = {};
    function defaultExpansion() {
      expanded = {};
      var total = 0, counts = regions.map(function (r) { var c = visibleCount(r); total += c; return c; });
      if (total <= EXPAND_BUDGET) { regions.forEach(function (r) { expanded[r.id] = true; }); return; }
      // Too big to draw at once: open regions that hold marked ops (a diff's moved ops), then those off the ANE, then
      // from the top, within the budget.
      var budget = FIRST_VIEW_BUDGET;
      var pri = order.filter(function (r) { return r.ops.some(function (i) { return marks[i]; }); })
        .concat(order.filter(function (r) { return r.seg !== null && segDevice[r.seg] !== 'ane'; })).concat(order);
      pri.forEach(function (r) { if (!expanded[r.id] && counts[r.id] <= budget && !r.member) { expanded[r.id] = true; budget -= counts[r.id]; } });
    }
    defaultExpansion();

    // Layout of one region's inside (cached until constants or blocks are toggled).
    var inner = {};
    function layoutRegion(reg) {
      if (inner[reg.id]) return inner[reg.id];
      var g = new dagre.graphlib.Graph({ compound: true });
      g.setGraph({ rankdir: 'TB', nodesep: 16, ranksep: 26, marginx: 10, marginy: 8 });
      g.setDefaultEdgeLabel(function () { return {}; });
      var nodes = [], clusters = {};
      reg.ops.forEach(function (i) {
        if (rep(i) !== i) return;
        nodes.push(i);
        g.setNode('n' + i, { width: NW, height: NH });
        var child = 'n' + i, p = ops[i].parent;
        while (p !== null && p !== undefined && rep(p) === p) {
          if (!clusters[p]) { clusters[p] = true; g.setNode('b' + p, { paddingTop: 20 }); }
          g.setParent(child, 'b' + p);
          child = 'b' + p; p = ops[p].parent;
        }
      });
      var seen = {}, edges = [];
      reg.ops.forEach(function (j) {
        var b = rep(j);
        if (b < 0) return;
        (ops[j].inputs || []).forEach(function (inp) {
          if (inp.from === null || inp.from === undefined) return;
          var a = rep(inp.from);
          if (a < 0 || a === b || regionOf[a] !== reg.id) return;
          var key = a + '>' + b;
          if (seen[key]) return;
          seen[key] = true;
          g.setEdge('n' + a, 'n' + b);
          edges.push({ a: a, b: b, info: edgeInfo(inp.from, j, inp.name, inp.type) });
        });
      });
      dagre.layout(g);
      var pos = {};
      nodes.forEach(function (i) { var nd = g.node('n' + i); pos[i] = { x: nd.x, y: nd.y }; });
      var cl = Object.keys(clusters).map(function (p) { var c = g.node('b' + p); return { p: +p, x: c.x, y: c.y, w: c.width, h: c.height }; });
      edges.forEach(function (e) { e.points = g.edge('n' + e.a, 'n' + e.b).points; });
      var gg = g.graph();
      var res = { w: Math.max(gg.width || 0, 200), h: Math.max(gg.height || 0, 30), pos: pos, edges: edges, clusters: cl, nodes: nodes };
      inner[reg.id] = res;
      return res;
    }

    // Top level: regions inside segment clusters inside function (pipeline member) clusters.
    var top = null;
    function layoutTop() {
      var g = new dagre.graphlib.Graph({ compound: true });
      g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 54, marginx: 30, marginy: 40 });
      g.setDefaultEdgeLabel(function () { return {}; });
      var made = {};
      order.forEach(function (reg) {
        var w, h;
        if (reg.member) { w = 240; h = 56; }
        else if (expanded[reg.id]) { var L = layoutRegion(reg); w = L.w; h = L.h + hdr(reg); }
        else { w = 240; h = 62; }
        reg.w = w; reg.h = h;
        g.setNode('r' + reg.id, { width: w, height: h });
        if (reg.member) return;
        var parent = null;
        if (multiFn) { parent = 'F' + functions.indexOf(reg.fn); if (!made[parent]) { made[parent] = true; g.setNode(parent, {}); } }
        if (reg.seg !== null) {
          var s = 'S' + reg.seg;
          if (!made[s]) { made[s] = true; g.setNode(s, {}); if (parent) g.setParent(s, parent); }
          g.setParent('r' + reg.id, s);
        } else if (parent) g.setParent('r' + reg.id, parent);
      });
      // Region-level edges from the dataflow, and the pipeline order between members.
      var cross = [], seen = {}, rseen = {};
      ops.forEach(function (o, j) {
        var b = rep(j);
        if (b < 0) return;
        (o.inputs || []).forEach(function (inp) {
          if (inp.from === null || inp.from === undefined) return;
          var a = rep(inp.from);
          if (a < 0 || a === b || regionOf[a] === regionOf[b]) return;
          var key = a + '>' + b;
          if (seen[key]) return;
          seen[key] = true;
          cross.push({ a: a, b: b, info: edgeInfo(inp.from, j, inp.name, inp.type) });
          var rk = regionOf[a] + '>' + regionOf[b];
          if (!rseen[rk]) { rseen[rk] = true; g.setEdge('r' + regionOf[a], 'r' + regionOf[b]); }
        });
      });
      var chain = [];
      for (var k = 1; k < order.length; k++) {
        var p = order[k - 1], q = order[k];
        if (p.fn !== q.fn || p.member || q.member) {
          var rk = p.id + '>' + q.id;
          if (!rseen[rk]) { rseen[rk] = true; g.setEdge('r' + p.id, 'r' + q.id); }
          chain.push({ from: p, to: q });
        } else if (!rseen[p.id + '>' + q.id] && !g.predecessors('r' + q.id).length) {
          // keep consecutive regions of one function in order even without a drawn edge between them
          g.setEdge('r' + p.id, 'r' + q.id, { weight: 0 });
          rseen[p.id + '>' + q.id] = true;
        }
      }
      dagre.layout(g);
      order.forEach(function (reg) { var nd = g.node('r' + reg.id); reg.x = nd.x - reg.w / 2; reg.y = nd.y - reg.h / 2; });
      var clusters = [];
      Object.keys(made).forEach(function (c) { var nd = g.node(c); clusters.push({ id: c, x: nd.x - nd.width / 2, y: nd.y - nd.height / 2, w: nd.width, h: nd.height }); });
      var gg = g.graph();
      top = { w: gg.width, h: gg.height, cross: cross, clusters: clusters, chain: chain };
    }

    function nodePos(i) {
      var reg = regions[regionOf[i]];
      if (!expanded[reg.id]) return null;
      var p = inner[reg.id].pos[i];
      return p ? { x: reg.x + p.x, y: reg.y + hdr(reg) + p.y } : null;
    }
    function anchor(i, bottom) {
      var p = nodePos(i);
      if (p) return { x: p.x, y: p.y + (bottom ? NH / 2 : -NH / 2) };
      var reg = regions[regionOf[i]];
      return { x: reg.x + reg.w / 2, y: bottom ? reg.y + reg.h : reg.y };
    }

    // ---- drawing ----
    // Parsed as HTML, an <svg> element gets the SVG namespace without the page naming any URL.
    var holder = document.createElement('div');
    holder.innerHTML = '<svg><defs>' +
      '<marker id="' + cb.prefix + 'arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#8795a1"/></marker>' +
      '<marker id="' + cb.prefix + 'arrb" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#d81b60"/></marker>' +
      '</defs><g class="viewport"></g></svg>';
    var svg = holder.firstChild;
    box.appendChild(svg);
    var vp = svg.querySelector('.viewport');
    var status = el('div', 'status');
    box.appendChild(status);
    var mini = document.createElement('canvas');
    mini.id = cb.prefix + 'minimap';
    mini.className = 'minimap';
    mini.width = 180; mini.height = 130;
    box.appendChild(mini);
    var view = { x: 0, y: 0, k: 1 };
    var selectedNode = -1, hits = {};

    function pathOf(points) {
      return 'M' + points.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join('L');
    }
    function edgeLabel(x, y, info) {
      var t = trunc(info.name, 22) + ' \u00b7 ' + (info.type && info.type !== '?' ? trunc(info.type, 26) + ' \u00b7 ' : '') + fmtBytes(info.bytes);
      var w = t.length * 6 + 10;
      return '<g class="elabel" transform="translate(' + (x - w / 2).toFixed(1) + ',' + (y - 8).toFixed(1) + ')"><rect width="' + w + '" height="16" rx="3"/><text x="5" y="12">' + esc(t) + '</text></g>';
    }
    function nodeSvg(i, x, y) {
      var o = ops[i];
      var dev = o.device || 'none';
      var bl = blocking(o).length;
      var mark = marks[i];
      var s = '<g class="node' + (i === selectedNode ? ' sel' : '') + (hits[i] ? ' hit' : '') + (mark ? ' moved moved-' + mark : '') + '" data-node="' + i + '" data-device="' + dev + '"' +
        (mark ? ' data-moved="' + mark + '"' : '') + ' transform="translate(' + (x - NW / 2).toFixed(1) + ',' + (y - NH / 2).toFixed(1) + ')">' +
        '<title>' + esc(opLabel(o) + ' (' + o.source + ') on ' + devLabel(o.device) + (o.findings.length ? ' · ' + o.findings.map(function (f) { return f.ruleId; }).join(', ') : '') +
          (mark ? ' · moved ' + (mark === 'on' ? 'onto' : 'off') + ' the ANE' : '')) + '</title>' +
        (mark ? '<rect class="moveframe" x="-5" y="-5" width="' + (NW + 10) + '" height="' + (NH + 10) + '" rx="9"/><text class="movetag" x="0" y="-9">' + (mark === 'on' ? '\u25b2 onto the ANE' : '\u25bc off the ANE') + '</text>' : '') +
        '<rect class="box" width="' + NW + '" height="' + NH + '" rx="6" fill="' + COLORS[dev] + '"/>' +
        '<text class="k" x="8" y="15">' + esc(trunc(o.kind === o.source ? o.kind : o.kind + ' \u00b7 ' + o.source, 24)) + '</text>' +
        '<text x="8" y="30">' + esc(trunc(o.name || ('#' + i), 26)) + '</text>';
      if (childCount[i] && collapsedBlocks[i]) s += '<text class="bt" x="' + (NW - 8) + '" y="30" text-anchor="end">+' + childCount[i] + '</text>';
      if (bl) s += '<circle class="badge" cx="' + (NW - 4) + '" cy="4" r="8"/><text class="bt" x="' + (NW - 4) + '" y="7.5" text-anchor="middle">' + bl + '</text>';
      return s + '</g>';
    }
    function regionSummary(reg) {
      var dev = {}, f = 0;
      reg.ops.forEach(function (i) { var o = ops[i]; if (o.role === 'compute') dev[o.device] = (dev[o.device] || 0) + 1; f += blocking(o).length; });
      return Object.keys(dev).map(function (d) { return dev[d] + ' ' + devLabel(d); }).join(' · ') + (f ? ' · ' + f + ' blocking' : '');
    }
    function draw() {
      var t0 = performance.now();
      var parts = [];
      // clusters (segments, pipeline functions)
      top.clusters.forEach(function (c) {
        var label, cls, extra = '';
        if (c.id[0] === 'S') {
          var s = R.segments[+c.id.slice(1)];
          var chars = Math.max(64, Math.floor(c.w / 6.4));
          cls = 'cluster seg d-' + s.device;
          // The tensors in (names, types, sizes) say more than the bytes copied in, which the tooltip and details keep.
          label = 'Segment ' + s.index + ' \u00b7 ' + s.device.toUpperCase() + ' \u00b7 ' + s.opCount + ' ops' + (s.flops !== null ? ' \u00b7 ' + fmtFlops(s.flops) : '') +
            ' \u00b7 in: ' + tensorList(s.inputTensors || [], ', ');
          label = trunc(label, chars);
          // The boundary: tensors in above the cluster (with its label), tensors out below it; all of them in the tooltip.
          var outs = s.outputTensors || [];
          extra = '<title>' + esc('Segment ' + s.index + ' on the ' + s.device.toUpperCase() + (s.inputs.length ? ', reads ' + fmtBytes(s.copyBytes) + ' from other devices' : '') +
            ' (click the label for its interface)\n' + interfaceText(s, '\n  ')) + '</title>' +
            '<text class="iface out" data-segment-label="' + s.index + '" x="' + (c.x + 8).toFixed(1) + '" y="' + (c.y + c.h + 13).toFixed(1) + '">' +
            esc(trunc('out: ' + tensorList(outs, ', '), chars)) + '</text>';
        } else { cls = 'cluster fn'; label = 'pipeline member ' + functions[+c.id.slice(1)]; }
        parts.push('<g class="' + cls + '" data-cluster="' + esc(c.id) + '"><rect x="' + c.x.toFixed(1) + '" y="' + c.y.toFixed(1) + '" width="' + c.w.toFixed(1) + '" height="' + c.h.toFixed(1) + '" rx="8"/>' +
          '<text' + (c.id[0] === 'S' ? ' class="iface" data-segment-label="' + c.id.slice(1) + '"' : '') + ' x="' + (c.x + 8).toFixed(1) + '" y="' + (c.y - 6).toFixed(1) + '">' + esc(label) + '</text>' + extra + '</g>');
      });
      // regions
      var nodesParts = [], edgeParts = [], labelParts = [];
      order.forEach(function (reg) {
        if (reg.member) {
          var s = reg.member;
          parts.push('<g class="region collapsed member" data-region="' + reg.id + '" data-member-segment="' + s.index + '"><rect class="frame" x="' + reg.x + '" y="' + reg.y + '" width="' + reg.w + '" height="' + reg.h + '" rx="8" style="stroke:' + COLORS[s.device] + ';stroke-width:2"/>' +
            '<text x="' + (reg.x + 12) + '" y="' + (reg.y + 22) + '" style="font-weight:700">' + esc(trunc(s.member, 30)) + '</text>' +
            '<text x="' + (reg.x + 12) + '" y="' + (reg.y + 40) + '">' + esc(trunc('pipeline member ' + s.function + ' \u00b7 ' + s.device.toUpperCase(), 36)) + '</text></g>');
          return;
        }
        var first = reg.ops[0], last = reg.ops[reg.ops.length - 1];
        var range = 'ops #' + first + '\u2013#' + last;
        if (!expanded[reg.id]) {
          var dev = reg.seg !== null ? segDevice[reg.seg] : 'none';
          parts.push('<g class="region collapsed" data-region="' + reg.id + '"><rect class="frame" x="' + reg.x + '" y="' + reg.y + '" width="' + reg.w + '" height="' + reg.h + '" rx="6"/>' +
            '<rect x="' + reg.x + '" y="' + reg.y + '" width="8" height="' + reg.h + '" rx="3" fill="' + COLORS[dev] + '"/>' +
            '<text x="' + (reg.x + 16) + '" y="' + (reg.y + 22) + '" style="font-weight:700">\u25b8 ' + reg.ops.length + ' ops (' + range + ')</text>' +
            '<text x="' + (reg.x + 16) + '" y="' + (reg.y + 40) + '">' + esc(trunc(regionSummary(reg), 34)) + '</text>' +
            '<text x="' + (reg.x + 16) + '" y="' + (reg.y + 55) + '" style="fill:#52606d;font-size:11px">click to open</text></g>');
          return;
        }
        var L = inner[reg.id];
        if (!reg.solo) parts.push('<g class="region" data-region="' + reg.id + '"><rect class="frame" x="' + reg.x + '" y="' + reg.y + '" width="' + reg.w + '" height="' + reg.h + '" rx="6"/>' +
          '<text class="toggle" data-collapse-region="' + reg.id + '" x="' + (reg.x + 8) + '" y="' + (reg.y + 15) + '">\u25be ' + esc(range) + ' (click to fold)</text></g>');
        var ox = reg.x, oy = reg.y + hdr(reg);
        L.clusters.forEach(function (c) {
          var p = ops[c.p];
          parts.push('<g class="cluster blk"><rect x="' + (ox + c.x - c.w / 2).toFixed(1) + '" y="' + (oy + c.y - c.h / 2).toFixed(1) + '" width="' + c.w.toFixed(1) + '" height="' + c.h.toFixed(1) + '" rx="6"/>' +
            '<text data-toggle-block="' + c.p + '" x="' + (ox + c.x - c.w / 2 + 6).toFixed(1) + '" y="' + (oy + c.y - c.h / 2 + 13).toFixed(1) + '">\u25be block of ' + esc(trunc(opLabel(p), 30)) + ' (click to fold)</text></g>');
        });
        L.edges.forEach(function (e) {
          var pts = e.points.map(function (p) { return { x: p.x + ox, y: p.y + oy }; });
          edgeParts.push('<path class="' + e.info.cls + '" d="' + pathOf(pts) + '" marker-end="url(#' + cb.prefix + (e.info.boundary ? 'arrb' : 'arr') + ')"/>');
          if (e.info.boundary) { var m = pts[Math.floor(pts.length / 2)]; labelParts.push(edgeLabel(m.x, m.y, e.info)); }
        });
        L.nodes.forEach(function (i) { var p = L.pos[i]; nodesParts.push(nodeSvg(i, ox + p.x, oy + p.y)); });
      });
      top.cross.forEach(function (e) {
        var a = anchor(e.a, true), b = anchor(e.b, false);
        var dy = Math.max(30, (b.y - a.y) / 2);
        edgeParts.push('<path class="' + e.info.cls + '" d="M' + a.x.toFixed(1) + ',' + a.y.toFixed(1) + 'C' + a.x.toFixed(1) + ',' + (a.y + dy).toFixed(1) + ' ' + b.x.toFixed(1) + ',' + (b.y - dy).toFixed(1) + ' ' + b.x.toFixed(1) + ',' + b.y.toFixed(1) + '" marker-end="url(#' + cb.prefix + (e.info.boundary ? 'arrb' : 'arr') + ')"/>');
        if (e.info.boundary) labelParts.push(edgeLabel(a.x + (b.x - a.x) * 0.3, a.y + Math.min(24, (b.y - a.y) * 0.3), e.info));
      });
      top.chain.forEach(function (c) {
        var a = { x: c.from.x + c.from.w / 2, y: c.from.y + c.from.h }, b = { x: c.to.x + c.to.w / 2, y: c.to.y };
        edgeParts.push('<path class="edge member" d="M' + a.x + ',' + a.y + 'L' + b.x + ',' + b.y + '" marker-end="url(#' + cb.prefix + 'arr)"/>');
      });
      vp.innerHTML = parts.join('') + edgeParts.join('') + nodesParts.join('') + labelParts.join('');
      var drawn = nodesParts.length, total = 0;
      regions.forEach(function (r) { total += visibleCount(r); });
      status.textContent = drawn === total ? drawn + ' ops drawn' : drawn + ' of ' + total + ' ops drawn \u2014 click a folded region to open it';
      box.setAttribute('data-nodes', drawn);
      box.setAttribute('data-draw-ms', Math.round(performance.now() - t0));
      applyView();
    }

    function applyView() {
      vp.setAttribute('transform', 'translate(' + view.x.toFixed(1) + ',' + view.y.toFixed(1) + ') scale(' + view.k.toFixed(4) + ')');
      svg.classList.toggle('lod', view.k < 0.3);
      drawMinimap();
    }
    function fit() {
      var W = box.clientWidth || 800, H = box.clientHeight || 500;
      var k = Math.min(W / (top.w + 20), H / (top.h + 20), 1.2);
      view.k = Math.max(k, 0.02);
      view.x = (W - top.w * view.k) / 2;
      view.y = Math.max(10, (H - top.h * view.k) / 2);
      applyView();
    }
    function centerOn(x, y, k) {
      var W = box.clientWidth || 800, H = box.clientHeight || 500;
      if (k) view.k = k;
      view.x = W / 2 - x * view.k; view.y = H / 2 - y * view.k;
      applyView();
    }
    function drawMinimap() {
      var c = mini.getContext('2d');
      var W = mini.width, H = mini.height;
      c.clearRect(0, 0, W, H);
      if (!top) return;
      var s = Math.min(W / top.w, H / top.h) * 0.95, ox = (W - top.w * s) / 2, oy = (H - top.h * s) / 2;
      order.forEach(function (r) {
        var d = r.member ? r.member.device : r.seg !== null ? segDevice[r.seg] : 'none';
        c.fillStyle = COLORS[d];
        c.globalAlpha = expanded[r.id] ? 0.75 : 0.35;
        c.fillRect(ox + r.x * s, oy + r.y * s, Math.max(1.5, r.w * s), Math.max(1.5, r.h * s));
      });
      c.globalAlpha = 1;
      var bw = box.clientWidth, bh = box.clientHeight;
      c.strokeStyle = '#d81b60'; c.lineWidth = 1.5;
      c.strokeRect(ox + (-view.x / view.k) * s, oy + (-view.y / view.k) * s, (bw / view.k) * s, (bh / view.k) * s);
      mini._map = { s: s, ox: ox, oy: oy };
    }
    function relayout(keepView) {
      layoutTop();
      draw();
      if (!keepView) initialView();
    }
    // Fit when that keeps labels readable; a tall graph starts at its top, wide enough to read.
    function initialView() {
      var W = box.clientWidth || 800, H = box.clientHeight || 500;
      var k = Math.min(W / (top.w + 20), H / (top.h + 20), 1.2);
      if (k >= 0.5) { fit(); return; }
      view.k = Math.max(0.02, Math.min(0.85, W / (top.w + 20)));
      view.x = Math.max(10, (W - top.w * view.k) / 2);
      view.y = 10;
      applyView();
    }

    // ---- interaction: pan, zoom, click ----
    var drag = null;
    svg.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    });
    window.addEventListener('pointermove', function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      box.classList.add('dragging');
      view.x = drag.vx + dx; view.y = drag.vy + dy;
      applyView();
    });
    window.addEventListener('pointerup', function () { box.classList.remove('dragging'); setTimeout(function () { drag = null; }, 0); });
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = svg.getBoundingClientRect();
      var mx = e.clientX - r.left, my = e.clientY - r.top;
      var k = Math.min(4, Math.max(0.02, view.k * Math.exp(-e.deltaY * 0.0015)));
      view.x = mx - (mx - view.x) * (k / view.k);
      view.y = my - (my - view.y) * (k / view.k);
      view.k = k;
      applyView();
    }, { passive: false });
    svg.addEventListener('click', function (e) {
      if (drag && drag.moved) return;
      var t = e.target;
      var nodeEl = t.closest('[data-node]');
      if (nodeEl) {
        var i = +nodeEl.getAttribute('data-node');
        if (childCount[i] && collapsedBlocks[i] && e.detail >= 2) { toggleBlock(i); return; }
        cb.select(i);
        return;
      }
      var sl = t.closest('[data-segment-label]');
      if (sl && cb.segment) { cb.segment(+sl.getAttribute('data-segment-label')); return; }
      var tb = t.closest('[data-toggle-block]');
      if (tb) { toggleBlock(+tb.getAttribute('data-toggle-block')); return; }
      var cr = t.closest('[data-collapse-region]');
      if (cr) { delete expanded[+cr.getAttribute('data-collapse-region')]; relayout(true); return; }
      var reg = t.closest('[data-region]');
      if (reg) {
        var id = +reg.getAttribute('data-region');
        var R0 = regions[id];
        if (R0.member) return;
        if (!expanded[id]) {
          expanded[id] = true;
          relayout(true);
          centerOn(R0.x + R0.w / 2, R0.y + Math.min(R0.h / 2, 200), Math.max(view.k, 0.6));
        }
      }
    });
    svg.addEventListener('dblclick', function (e) {
      var nodeEl = e.target.closest('[data-node]');
      if (nodeEl) { var i = +nodeEl.getAttribute('data-node'); if (childCount[i]) toggleBlock(i); }
    });
    function toggleBlock(p) {
      if (collapsedBlocks[p]) delete collapsedBlocks[p]; else collapsedBlocks[p] = true;
      inner = {};
      relayout(true);
    }
    mini.addEventListener('click', function (e) {
      var m = mini._map; if (!m) return;
      var r = mini.getBoundingClientRect();
      centerOn((e.clientX - r.left - m.ox) / m.s, (e.clientY - r.top - m.oy) / m.s);
    });
    window.addEventListener('resize', drawMinimap);

    // ---- API used by the page ----
    function markSelection() {
      var old = vp.querySelector('.node.sel');
      if (old) old.classList.remove('sel');
      var ne = vp.querySelector('[data-node="' + selectedNode + '"]');
      if (ne) ne.classList.add('sel');
    }
    var api = {
      select: function (i, reveal) {
        var r = rep(i);
        if (r < 0) { showConst = true; inner = {}; cb.constBox.checked = true; r = rep(i); relayout(true); }
        selectedNode = r;
        var reg = regions[regionOf[r]];
        if (!expanded[reg.id]) { expanded[reg.id] = true; relayout(true); }
        markSelection();
        if (reveal) { var p = nodePos(r); if (p) centerOn(p.x, p.y, Math.max(view.k, 0.7)); }
      },
      focusMember: function (segIndex) {
        var reg = regions.filter(function (r) { return r.member && r.member.index === segIndex; })[0];
        if (reg) centerOn(reg.x + reg.w / 2, reg.y + reg.h / 2, Math.max(view.k, 0.7));
      },
      highlight: function (list) {
        hits = {};
        list.forEach(function (i) { var r = rep(i); if (r >= 0) hits[r] = true; });
        Array.prototype.forEach.call(vp.querySelectorAll('.node'), function (g) { g.classList.toggle('hit', !!hits[+g.getAttribute('data-node')]); });
      },
      setShowConst: function (on) { showConst = on; inner = {}; defaultExpansion(); relayout(false); markSelection(); },
      fit: fit,
      expandAll: function () { regions.forEach(function (r) { if (!r.member) expanded[r.id] = true; }); relayout(false); },
      collapseAll: function () { expanded = {}; relayout(false); }
    };
    var started = performance.now();
    relayout(false);
    box.setAttribute('data-layout-ms', Math.round(performance.now() - started));
    box.setAttribute('data-ready', '1');
    return api;
  }

  // ---------- many models: the folder dashboard ----------
  function Dashboard(F, root) {
    root.textContent = '';
    var rel = function (p) { var f = F.folder.replace(/[\/\\]+$/, ''); return p.indexOf(f) === 0 ? p.slice(f.length).replace(/^[\/\\]+/, '') : p; };
    var rows = F.models.map(function (R, k) {
      var top = R.rules.filter(function (r) { return ['op-to-cpu', 'op-to-gpu', 'model-to-cpu-gpu', 'compile-fail', 'host'].indexOf(r.effect) >= 0; }).slice(0, 4).map(function (r) { return r.ruleId; });
      return { k: k, path: rel(R.model.path), status: R.status.code, statusName: R.status.name, share: R.placement.opsFraction, ane: R.placement.ops, of: R.placement.ofOps,
        eligible: R.eligibility.opsFraction, rules: top, ops: R.counts.ops, type: R.model.modelType, why: R.statusReason || explain(R).headline };
    }).concat(F.unreadable.map(function (u) {
      return { k: -1, path: rel(u.path), status: 3, statusName: 'unreadable', share: null, ane: 0, of: 0, eligible: null, rules: [], ops: 0, type: '', why: u.error };
    }));
    var head = el('header', 'top');
    head.appendChild(el('h1', '', F.models.length + F.unreadable.length + ' models in ' + F.folder));
    head.appendChild(el('div', 'meta', 'target ' + F.target.name + ' · compute units ' + F.computeUnits + ' · anecompat ' + F.tool.version + ' · exit code ' + F.summary.worstExitCode));
    var sum = el('div', 'summary');
    [[0, F.summary.fullyCompatible, 'fully compatible'], [1, F.summary.partial, 'partially'], [2, F.summary.notCompatible, 'not compatible'], [3, F.summary.unreadable, 'unreadable']].forEach(function (s) {
      var b = el('div', 'share'); b.appendChild(el('div', 'lbl', s[2])); var big = el('div', 'big', s[1]); big.style.color = ['#2e7d32', '#b26a00', '#c62828', '#555'][s[0]]; b.appendChild(big); sum.appendChild(b);
    });
    head.appendChild(sum);
    root.appendChild(head);
    var body = el('div', 'dash');
    var filters = el('div', 'filters');
    var q = el('input'); q.type = 'search'; q.id = 'dash-filter'; q.placeholder = 'Filter by path, model type or rule id';
    var sel = el('select'); sel.id = 'dash-status';
    [['', 'every status'], ['0', 'fully compatible'], ['1', 'partially'], ['2', 'not compatible'], ['3', 'unreadable']].forEach(function (o) { var op = el('option', '', o[1]); op.value = o[0]; sel.appendChild(op); });
    filters.appendChild(q); filters.appendChild(sel);
    var shownCount = el('span', 'muted'); filters.appendChild(shownCount);
    body.appendChild(filters);
    var table = el('table'); table.id = 'dashboard';
    var cols = [['path', 'model'], ['status', 'status'], ['share', 'on the ANE'], ['eligible', 'eligible'], ['rules', 'top blocking rules'], ['ops', 'ops'], ['why', 'why']];
    var trh = el('tr');
    var sortKey = 'status', sortDir = -1;
    cols.forEach(function (c) {
      var th = el('th', '', c[1]); th.setAttribute('data-sort', c[0]);
      th.addEventListener('click', function () { if (sortKey === c[0]) sortDir = -sortDir; else { sortKey = c[0]; sortDir = 1; } render(); });
      trh.appendChild(th);
    });
    var thead = el('thead'); thead.appendChild(trh); table.appendChild(thead);
    var tbody = el('tbody'); table.appendChild(tbody);
    body.appendChild(table);
    root.appendChild(body);
    function cmp(a, b) {
      var x = a[sortKey], y = b[sortKey];
      if (Array.isArray(x)) { x = x.join(','); y = y.join(','); }
      if (x === null) x = -1; if (y === null) y = -1;
      return (x < y ? -1 : x > y ? 1 : a.path < b.path ? -1 : 1) * sortDir;
    }
    function render() {
      Array.prototype.forEach.call(trh.children, function (th) { th.className = th.getAttribute('data-sort') === sortKey ? (sortDir > 0 ? 'sorted-asc' : 'sorted-desc') : ''; });
      var text = q.value.trim().toLowerCase(), st = sel.value;
      var list = rows.filter(function (r) {
        if (st !== '' && String(r.status) !== st) return false;
        return !text || (r.path + ' ' + r.type + ' ' + r.rules.join(' ') + ' ' + r.why).toLowerCase().indexOf(text) >= 0;
      }).sort(cmp);
      tbody.textContent = '';
      list.forEach(function (r) {
        var tr = el('tr');
        tr.setAttribute('data-model', r.path);
        tr.setAttribute('data-status', r.status);
        var td = el('td');
        if (r.k >= 0) { var a = el('a', '', r.path); a.href = '#model=' + r.k; td.appendChild(a); } else td.textContent = r.path;
        td.appendChild(el('div', 'muted', r.type));
        tr.appendChild(td);
        var s = el('td'); s.appendChild(el('span', 'st status-' + r.status, r.status + ' ' + r.statusName)); tr.appendChild(s);
        var sh = el('td');
        if (r.share !== null) { var mb = el('span', 'minibar'); var i = el('i'); i.style.width = (r.share * 100) + '%'; mb.appendChild(i); sh.appendChild(mb); sh.appendChild(document.createTextNode(pct(r.share) + ' (' + r.ane + '/' + r.of + ')')); }
        else sh.textContent = r.k >= 0 ? 'no compute ops' : '\u2014';
        tr.appendChild(sh);
        tr.appendChild(el('td', '', r.eligible === null ? '\u2014' : pct(r.eligible)));
        tr.appendChild(el('td', 'rule', r.rules.join(', ')));
        tr.appendChild(el('td', '', r.ops));
        tr.appendChild(el('td', '', r.why));
        tbody.appendChild(tr);
      });
      shownCount.textContent = list.length + ' of ' + rows.length + ' shown';
    }
    q.addEventListener('input', render);
    sel.addEventListener('change', render);
    render();
  }

  // ---------- two versions of a model side by side (anecompat diff --format html) ----------
  // Each version is drawn by ReportView (graph, segment bar, table, details); the ops that moved on or off the ANE are
  // marked in both and selecting an op in one pane selects the same op (matched by name) in the other.
  function DiffView(D, root) {
    root.textContent = '';
    var d = D.diff, O = D.old, N = D.new;
    var oldToNew = {}, newToOld = {};
    D.matchedOps.forEach(function (p) { oldToNew[p[0]] = p[1]; newToOld[p[1]] = p[0]; });
    var oldMarks = {}, newMarks = {};
    d.movedOffAne.forEach(function (m) { oldMarks[m.oldIndex] = 'off'; newMarks[m.newIndex] = 'off'; });
    d.movedOntoAne.forEach(function (m) { oldMarks[m.oldIndex] = 'on'; newMarks[m.newIndex] = 'on'; });

    var head = el('header', 'top diffhead');
    var h1 = el('h1', '', baseName(d.old) + ' \u2192 ' + baseName(d.new));
    h1.appendChild(el('span', 'sub', '  ' + d.target + ' · compute units ' + N.computeUnits + ' · anecompat ' + N.tool.version));
    head.appendChild(h1);
    var row = el('div', 'verdict-row');
    var verdict = d.unchanged ? 'NO CHANGE' : d.regression ? 'REGRESSION' : 'NO REGRESSION';
    var chip = el('div', 'status-chip ' + (d.regression ? 'status-2' : 'status-0'), verdict);
    chip.id = 'diff-verdict';
    chip.setAttribute('data-regression', d.regression ? '1' : '0');
    chip.title = d.regression ? 'exit code 4: a worse status, an op that left the ANE or a new finding' : 'exit code 0: the new version is no worse';
    var left = el('div'); left.appendChild(chip); row.appendChild(left);
    var why = el('div', 'why' + (d.regression ? '' : ' ok'));
    why.id = 'diff-why';
    var reasons = [];
    if (O.status.code !== N.status.code) reasons.push('status ' + O.status.name + ' \u2192 ' + N.status.name);
    if (d.movedOffAne.length) reasons.push(d.movedOffAne.length + ' op' + (d.movedOffAne.length > 1 ? 's' : '') + ' moved off the ANE');
    if (d.movedOntoAne.length) reasons.push(d.movedOntoAne.length + ' op' + (d.movedOntoAne.length > 1 ? 's' : '') + ' moved onto the ANE');
    if (d.newFindings.length) reasons.push(d.newFindings.length + ' new finding' + (d.newFindings.length > 1 ? 's' : ''));
    if (d.goneFindings.length) reasons.push(d.goneFindings.length + ' finding' + (d.goneFindings.length > 1 ? 's' : '') + ' gone');
    if (d.addedOps.length || d.removedOps.length) reasons.push(d.addedOps.length + ' ops added, ' + d.removedOps.length + ' removed');
    why.appendChild(el('b', '', reasons.length ? reasons.join('; ') + '.' : 'Nothing changed: same status, same placement, same findings.'));
    var t = el('table', 'versus');
    t.id = 'diff-versus';
    var tr = el('tr');
    ['', 'old', 'new'].forEach(function (h) { tr.appendChild(el('th', '', h)); });
    t.appendChild(tr);
    function line(label, f) {
      var r = el('tr'); r.appendChild(el('th', '', label));
      [O, N].forEach(function (R) { var td = el('td'); var v = f(R); if (typeof v === 'string') td.textContent = v; else td.appendChild(v); r.appendChild(td); });
      t.appendChild(r);
    }
    line('status', function (R) { var c = el('span', 'st status-' + R.status.code, R.status.code + ' ' + R.status.name); return c; });
    line('eligible (no rule blocks)', function (R) { return pct(R.eligibility.opsFraction) + ' (' + R.eligibility.ops + '/' + R.eligibility.ofOps + ' ops, ' + pct(R.eligibility.flopsFraction) + ' of FLOPs)'; });
    line('placed on the ANE', function (R) { return pct(R.placement.opsFraction) + ' (' + R.placement.ops + '/' + R.placement.ofOps + ' ops, ' + pct(R.placement.flopsFraction) + ' of FLOPs)'; });
    line('findings', function (R) { return String(R.counts.findings); });
    why.appendChild(t);
    row.appendChild(why);
    head.appendChild(row);
    root.appendChild(head);

    // What changed, each entry linked to the op in both panes.
    var changes = el('div', 'card sect diffchanges');
    changes.id = 'diff-changes';
    var LIST_MAX = 200;
    function changeList(id, title, items, render) {
      var box = el('div', 'changelist');
      box.id = id;
      box.appendChild(el('h2', '', title + ' (' + items.length + ')'));
      if (!items.length) { box.appendChild(el('div', 'muted', 'none')); changes.appendChild(box); return; }
      var ul = el('ul');
      items.slice(0, LIST_MAX).forEach(function (it) { ul.appendChild(render(it)); });
      if (items.length > LIST_MAX) ul.appendChild(el('li', 'muted', (items.length - LIST_MAX) + ' more'));
      box.appendChild(ul);
      changes.appendChild(box);
    }
    function devSpan(dv) { var sp = el('span', 'devtag dev-' + (dv === 'none' ? 'none' : dv), dv.toUpperCase()); return sp; }
    function moveItem(m) {
      var li = el('li');
      li.setAttribute('data-old-op', m.oldIndex);
      li.setAttribute('data-new-op', m.newIndex);
      var a = el('span', 'linkish', m.op);
      a.addEventListener('click', function () { oldView.selectOp(m.oldIndex, true, true); newView.selectOp(m.newIndex, true, true); });
      li.appendChild(a);
      li.appendChild(el('span', 'muted', ' ' + m.kind + ' '));
      li.appendChild(devSpan(m.from)); li.appendChild(document.createTextNode(' \u2192 ')); li.appendChild(devSpan(m.to));
      return li;
    }
    function findingItem(view, f) {
      var li = el('li');
      li.setAttribute('data-rule', f.rule);
      li.appendChild(el('span', 'rule', f.rule));
      li.appendChild(el('span', 'muted', ' ' + f.effect + ' on '));
      if (f.opIndex !== null && f.opIndex !== undefined) {
        var a = el('span', 'linkish', f.op);
        a.addEventListener('click', function () { (view === 'old' ? oldView : newView).selectOp(f.opIndex, true); });
        li.appendChild(a);
      } else li.appendChild(document.createTextNode('the model'));
      li.title = f.message;
      return li;
    }
    changeList('moved-off', 'Moved off the ANE', d.movedOffAne, moveItem);
    changeList('moved-onto', 'Moved onto the ANE', d.movedOntoAne, moveItem);
    changeList('new-findings', 'New findings', d.newFindings, function (f) { return findingItem('new', f); });
    changeList('gone-findings', 'Gone findings', d.goneFindings, function (f) { return findingItem('old', f); });
    if (d.addedOps.length || d.removedOps.length) {
      var ar = el('div', 'changelist');
      ar.appendChild(el('h2', '', 'Ops added and removed'));
      ar.appendChild(el('div', '', d.addedOps.length + ' added' + (d.addedOps.length ? ': ' + d.addedOps.slice(0, 8).join(', ') + (d.addedOps.length > 8 ? ', \u2026' : '') : '')));
      ar.appendChild(el('div', '', d.removedOps.length + ' removed' + (d.removedOps.length ? ': ' + d.removedOps.slice(0, 8).join(', ') + (d.removedOps.length > 8 ? ', \u2026' : '') : '')));
      changes.appendChild(ar);
    }
    var wrap = el('div', 'diffbody');
    wrap.appendChild(changes);
    var panes = el('div', 'diffpanes');
    var oldPane = el('section', 'pane'); oldPane.id = 'pane-old';
    var newPane = el('section', 'pane'); newPane.id = 'pane-new';
    panes.appendChild(oldPane); panes.appendChild(newPane);
    wrap.appendChild(panes);
    root.appendChild(wrap);

    var oldRoot = el('div'), newRoot = el('div');
    oldPane.appendChild(el('div', 'panelabel', 'OLD \u00b7 ' + d.old)); oldPane.appendChild(oldRoot);
    newPane.appendChild(el('div', 'panelabel', 'NEW \u00b7 ' + d.new)); newPane.appendChild(newRoot);
    var oldView = null, newView = null;
    oldView = ReportView(O, oldRoot, null, { prefix: 'old-', marks: oldMarks, onSelect: function (i) { if (newView && oldToNew[i] !== undefined) newView.selectOp(oldToNew[i], true, true); } });
    newView = ReportView(N, newRoot, null, { prefix: 'new-', marks: newMarks, onSelect: function (i) { if (oldView && newToOld[i] !== undefined) oldView.selectOp(newToOld[i], true, true); } });
    // Open on the first op that moved (off the ANE first): selected and centred in both panes.
    var first = d.movedOffAne[0] || d.movedOntoAne[0];
    if (first) { oldView.selectOp(first.oldIndex, true, true); newView.selectOp(first.newIndex, true, true); }
  }

  // ---------- entry ----------
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var app = document.getElementById('app');
  if (data.diff && data.old && data.new) {
    DiffView(data, app);
  } else if (Array.isArray(data.models) && !data.ops) {
    var route = function () {
      var m = /^#model=(\d+)$/.exec(location.hash);
      if (m && data.models[+m[1]]) {
        ReportView(data.models[+m[1]], app, { label: 'all ' + (data.models.length + data.unreadable.length) + ' models', href: '#' });
        document.title = 'ANECompat: ' + baseName(data.models[+m[1]].model.path);
      } else { Dashboard(data, app); document.title = 'ANECompat: ' + baseName(data.folder); }
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', route);
    route();
  } else {
    ReportView(data, app, null);
  }
})();
