// Opens an ANECompat HTML report in Debian's headless chromium (through playwright-core) and checks the graph view,
// or the folder dashboard, against the JSON the same analysis wrote. Prints "OK …" and exits 0, or lists problems.
//
// Report:    node check-graph.mjs REPORT.html --json REPORT.json [--op INDEX --finding RULE_ID] [--all-drawn]
//                                  [--bound-ms N] [--screenshot FILE.png]
// Dashboard: node check-graph.mjs FOLDER.html --dashboard EXPECTED.tsv [--screenshot FILE.png]
//            (EXPECTED.tsv: one "status<TAB>relative path" line per model, from the text output)
import { withOfflinePage } from './offline-chromium.mjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The device colours the report promises (its legend): ANE green, CPU blue, GPU orange, folded grey.
const COLORS = { ane: '#2e7d32', cpu: '#1565c0', gpu: '#ef6c00', none: '#90a4ae' };
// How the page prints a boundary tensor's bytes and shape (report.js fmtBytes, shapeText).
const fmtBytes = (b) => (b === null ? 'unknown size' : b >= 1048576 ? (b / 1048576).toFixed(2) + ' MiB' : b >= 1024 ? (b / 1024).toFixed(1) + ' KiB' : b + ' B');
const shapeText = (t) => (t.shape === null ? '?' : '[' + t.shape.map((d) => (d === null ? '?' : d)).join(', ') + ']');

const args = process.argv.slice(2);
const file = args[0];
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const flag = (name) => args.includes(name);
if (!file || (!opt('--json') && !opt('--dashboard'))) {
  console.error('usage: node check-graph.mjs REPORT.html (--json REPORT.json | --dashboard EXPECTED.tsv) [options]');
  process.exit(2);
}

const problems = [];
const facts = [];
await withOfflinePage(problems, { width: 1500, height: 1000 }, async (page) => {

  if (opt('--dashboard')) await checkDashboard(page);
  else await checkReport(page);

  if (opt('--screenshot')) await page.screenshot({ path: opt('--screenshot'), fullPage: false });
});
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log('OK ' + facts.join(', '));

async function checkReport(page) {
  const report = JSON.parse(readFileSync(opt('--json'), 'utf8'));
  const started = Date.now();
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
  await page.waitForSelector('#graph[data-ready="1"]', { timeout: 60000 });
  const readyMs = Date.now() - started;
  facts.push(`graph ready in ${readyMs} ms (layout ${await page.getAttribute('#graph', 'data-layout-ms')} ms)`);

  // The header explains the status in words.
  const why = (await page.textContent('#why')) || '';
  if (why.trim().length < 20) problems.push(`the header does not explain the status: "${why}"`);
  if (report.status.code === 0 && !/nothing blocks the ane/i.test(why)) problems.push('a fully compatible model does not say "nothing blocks the ANE"');
  if (report.status.code === 0 && (await page.locator('#nothing-blocks').count()) !== 1) problems.push('a fully compatible model shows no "nothing blocks" box');
  if (report.statusReason && !why.includes(report.statusReason)) problems.push('the JSON statusReason is not shown in the header');

  // --target all: one matrix row per chip with the JSON's status.
  if (report.targets) {
    const chips = await page.$$eval('#target-matrix tr[data-chip]', (els) => els.map((e) => [e.getAttribute('data-chip'), e.getAttribute('data-status')]));
    if (chips.length !== report.targets.length) problems.push(`matrix shows ${chips.length} chips, the JSON ${report.targets.length}`);
    report.targets.forEach((t, i) => { if (!chips[i] || chips[i][0] !== t.target.name || chips[i][1] !== String(t.status.code)) problems.push(`matrix row ${i} is not ${t.target.name} ${t.status.code}`); });
    facts.push(`${chips.length} chips in the matrix`);
  }

  const nodes = async () => page.$$eval('#graph [data-node]', (els) => els.map((e) => ({
    op: Number(e.getAttribute('data-node')), device: e.getAttribute('data-device'),
    fill: e.querySelector('rect.box').getAttribute('fill'),
  })));
  const nonConst = report.ops.filter((o) => o.role !== 'folded');
  let drawn = await nodes();
  if (flag('--all-drawn')) {
    // Every non-const op is a node, coloured by the JSON report's device; no const op is drawn.
    const byOp = new Map(drawn.map((n) => [n.op, n]));
    if (drawn.length !== nonConst.length) problems.push(`expected ${nonConst.length} non-const nodes, found ${drawn.length}`);
    for (const o of nonConst) {
      const n = byOp.get(o.index);
      if (!n) { problems.push(`op #${o.index} (${o.kind}) is not drawn`); continue; }
      const dev = o.device ?? 'none';
      if (n.device !== dev || n.fill.toLowerCase() !== COLORS[dev]) problems.push(`op #${o.index} is drawn ${n.device}/${n.fill}, the JSON says ${dev}`);
    }
    if (drawn.some((n) => report.ops[n.op].role === 'folded')) problems.push('a folded const is drawn while constants are hidden');
    facts.push(`${drawn.length} nodes = non-const ops`);
  } else {
    for (const n of drawn) {
      const dev = report.ops[n.op].device ?? 'none';
      if (n.device !== dev || n.fill.toLowerCase() !== COLORS[dev]) problems.push(`op #${n.op} is drawn ${n.device}/${n.fill}, the JSON says ${dev}`);
    }
    facts.push(`${drawn.length} of ${nonConst.length} non-const ops drawn at first`);
  }

  // Click a node in the graph: its findings show, the table row follows.
  if (opt('--op') !== undefined) {
    const opIndex = Number(opt('--op'));
    const t0 = Date.now();
    let node = page.locator(`#graph [data-node="${opIndex}"]`);
    if ((await node.count()) === 0) {
      // In a folded region: search for it, which opens its region, then click it in the graph.
      await page.fill('#search', report.ops[opIndex].name || report.ops[opIndex].kind);
      await page.press('#search', 'Enter');
      node = page.locator(`#graph [data-node="${opIndex}"]`);
    }
    await clickNode(page, node);
    const selected = await page.getAttribute('#details', 'data-selected-op');
    const clickMs = Date.now() - t0;
    if (selected !== String(opIndex)) problems.push(`clicking node ${opIndex} selected ${selected}`);
    const finding = page.locator(`#op-findings [data-rule="${opt('--finding')}"]`);
    if ((await finding.count()) !== 1 || !(await finding.isVisible())) problems.push(`finding ${opt('--finding')} not shown for op ${opIndex}`);
    if ((await page.locator(`#oplist .op.selected[data-op="${opIndex}"]`).count()) !== 1) problems.push(`the table does not follow the graph to op ${opIndex}`);
    if ((await page.locator(`#graph .node.sel[data-node="${opIndex}"]`).count()) !== 1) problems.push(`node ${opIndex} is not marked selected`);
    facts.push(`node click answered in ${clickMs} ms`);
    // The details say where the op sits in its file (report schema 2's origin).
    const origin = report.ops[opIndex].origin;
    const shown = await page.getAttribute('#op-origin', 'data-locator');
    if (origin.locator !== null && shown !== origin.locator) problems.push(`op ${opIndex}'s origin shows ${shown}, the JSON ${origin.locator}`);
    if (origin.name !== null && !((await page.textContent('#op-origin')) || '').includes(`"${origin.name}"`)) problems.push(`op ${opIndex}'s origin does not show its name as written`);
    const bound = opt('--bound-ms');
    if (bound !== undefined && readyMs + clickMs > Number(bound))
      problems.push(`interactive after ${readyMs + clickMs} ms, over the bound of ${bound} ms`);
  }

  // Table → graph: clicking a row selects the node.
  const rowOp = nonConst.length ? nonConst[Math.floor(nonConst.length / 2)].index : null;
  if (rowOp !== null && flag('--all-drawn')) {
    await page.fill('#search', '');
    await page.dispatchEvent('#search', 'input');
    await page.evaluate((i) => { const l = document.getElementById('oplist'); l.scrollTop = i * 24 - 48; l.dispatchEvent(new Event('scroll')); }, rowOp);
    await page.waitForTimeout(50);
    await page.locator(`#oplist [data-op="${rowOp}"]`).click();
    if ((await page.locator(`#graph .node.sel[data-node="${rowOp}"]`).count()) !== 1) problems.push(`clicking table row ${rowOp} does not select its node`);
  }

  await checkInterfaces(page, report);

  // The const toggle changes the node count.
  if (report.counts.foldedOps > 0) {
    const before = (await nodes()).length;
    await page.check('#show-const');
    await page.waitForFunction((b) => document.querySelectorAll('#graph [data-node]').length !== b, before, { timeout: 30000 });
    const after = (await nodes()).length;
    if (flag('--all-drawn') && after !== report.ops.length) problems.push(`with constants shown, expected ${report.ops.length} nodes, found ${after}`);
    facts.push(`const toggle: ${before} -> ${after} nodes`);
    await page.uncheck('#show-const');
    await page.waitForFunction((b) => document.querySelectorAll('#graph [data-node]').length === b, before, { timeout: 30000 });
  }
  // Nested blocks fold into their owner op and open again.
  const owner = report.ops.find((o) => report.ops.some((c) => c.parent === o.index && c.role !== 'folded'));
  if (owner && flag('--all-drawn')) {
    const before = (await nodes()).length;
    await page.locator(`#graph [data-toggle-block="${owner.index}"]`).dispatchEvent('click');
    await page.waitForFunction((b) => document.querySelectorAll('#graph [data-node]').length < b, before, { timeout: 30000 });
    await page.locator(`#graph [data-node="${owner.index}"]`).dispatchEvent('dblclick');
    await page.waitForFunction((b) => document.querySelectorAll('#graph [data-node]').length === b, before, { timeout: 30000 });
    facts.push(`block of #${owner.index} folds and opens`);
  }
  // Search by rule id finds exactly the ops the rule fired on (or placed), and highlights them in the graph.
  const rule = report.rules.find((r) => r.opIndices.length > 0);
  if (rule) {
    // The search is a case-insensitive substring match over name, kind, type, device and rule ids (DTYPE-FP32 also finds DTYPE-FP32-LITERAL).
    const q = rule.ruleId.toLowerCase();
    const matches = (o) => [o.name ?? '', o.kind, o.source, o.device ?? 'folded', ...o.findings.map((f) => f.ruleId), o.reasonRule ?? ''].join(' ').toLowerCase().includes(q);
    if (!rule.opIndices.every((i) => matches(report.ops[i]))) problems.push(`an op of ${rule.ruleId} would not be found`);
    const expected = report.ops.filter(matches).length;
    await page.fill('#search', rule.ruleId);
    const count = await page.textContent('#search + .count');
    if (count !== `${expected} match${expected === 1 ? '' : 'es'}`) problems.push(`search ${rule.ruleId}: "${count}", expected ${expected} matches`);
    if (flag('--all-drawn')) {
      const hit = await page.locator('#graph .node.hit').count();
      const drawnHits = report.ops.filter((o) => o.role !== 'folded' && matches(o)).length;
      if (hit !== drawnHits) problems.push(`search ${rule.ruleId} highlights ${hit} nodes, expected ${drawnHits}`);
    }
    await page.fill('#search', '');
    await page.dispatchEvent('#search', 'input');
  }
  // The screenshot shows the page as it opens, with the op of interest (or the first op off the ANE) selected.
  if (opt('--screenshot')) {
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#graph[data-ready="1"]', { timeout: 60000 });
    const show = opt('--op') !== undefined ? Number(opt('--op')) : (nonConst.find((o) => o.device !== 'ane') ?? nonConst[0])?.index;
    if (show !== undefined && (await page.locator(`#graph [data-node="${show}"]`).count()) === 1) await clickNode(page, page.locator(`#graph [data-node="${show}"]`));
    await page.evaluate(() => window.scrollTo(0, 0));
  }
}

// A segment's typed interface (report schema 2): clicking a segment lists every boundary tensor with its name, dtype,
// shape and bytes as the JSON has them, and its graph cluster's tooltip names them. At most 6 segments are checked.
async function checkInterfaces(page, report) {
  const segments = report.segments.filter((s) => s.firstOp !== null && s.inputTensors.length + s.outputTensors.length > 0).slice(0, 6);
  let tensors = 0, clusters = 0;
  for (const s of segments) {
    await page.locator(`#segments [data-segment="${s.index}"]`).click();
    const rows = await page.$$eval(`#details [data-interface="${s.index}"] tr[data-tensor]`, (els) => els.map((e) => [e.getAttribute('data-tensor'), ...[...e.children].map((c) => c.textContent)]));
    const expected = [...s.inputTensors.map((t) => ['in', t]), ...s.outputTensors.map((t) => ['out', t])];
    if (rows.length !== expected.length) { problems.push(`segment ${s.index} lists ${rows.length} boundary tensors, the JSON ${expected.length}`); continue; }
    expected.forEach(([side, t], i) => {
      const want = [side, side, t.name, t.dtype ?? '?', shapeText(t), fmtBytes(t.bytes)];
      const got = rows[i].slice(0, 6);
      if (got.join('|') !== want.join('|')) problems.push(`segment ${s.index} tensor ${i}: shows ${got.join(' ')}, the JSON ${want.join(' ')}`);
    });
    tensors += rows.length;
    // A segment whose ops sit inside another op's nested block is drawn inside that op's region, without a cluster.
    const title = await page.$eval(`#graph [data-cluster="S${s.index}"]`, (g) => g.querySelector('title')?.textContent ?? '').catch(() => null);
    if (title === null) continue;
    clusters++;
    // The tooltip names up to 24 tensors a side (the details list them all).
    for (const t of [...s.inputTensors.slice(0, 24), ...s.outputTensors.slice(0, 24)]) if (!title.includes(`${t.name} ${t.dtype ?? '?'}${shapeText(t)}`)) problems.push(`segment ${s.index}'s cluster does not name ${t.name} ${t.dtype}${shapeText(t)}`);
  }
  if (flag('--all-drawn') && segments.length && clusters === 0) problems.push('no segment cluster in the graph names its boundary tensors');
  if (segments.length) facts.push(`${tensors} boundary tensors of ${segments.length} segments shown (${clusters} clusters)`);
}

// A node inside the graph's visible area gets a real mouse click; one the view has panned away from (the SVG clips it,
// nothing can scroll it into view) gets the same click event dispatched on it.
async function clickNode(page, node) {
  await node.evaluate((n) => n.scrollIntoView({ block: 'center' }));
  const inside = await node.evaluate((n) => {
    const r = n.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return !!hit && n.contains(hit);
  });
  if (inside) await node.click();
  else await node.dispatchEvent('click');
}

async function checkDashboard(page) {
  const expected = readFileSync(opt('--dashboard'), 'utf8').split('\n').filter(Boolean).map((l) => { const [s, p] = l.split('\t'); return { status: s, path: p }; });
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });
  await page.waitForSelector('#dashboard tbody tr', { timeout: 30000 });
  const rows = await page.$$eval('#dashboard tbody tr', (els) => els.map((e) => ({ path: e.getAttribute('data-model'), status: e.getAttribute('data-status') })));
  if (rows.length !== expected.length) problems.push(`dashboard lists ${rows.length} models, the text output ${expected.length}`);
  const byPath = new Map(rows.map((r) => [r.path, r.status]));
  for (const e of expected) {
    if (!byPath.has(e.path)) problems.push(`dashboard misses ${e.path}`);
    else if (byPath.get(e.path) !== e.status) problems.push(`${e.path}: dashboard says ${byPath.get(e.path)}, text says ${e.status}`);
  }
  facts.push(`${rows.length} models listed with the text output's statuses`);
  // Filtering by status narrows the rows to that status.
  await page.selectOption('#dash-status', '2');
  const notCompat = await page.$$eval('#dashboard tbody tr', (els) => els.map((e) => e.getAttribute('data-status')));
  if (notCompat.some((s) => s !== '2') || notCompat.length !== expected.filter((e) => e.status === '2').length) problems.push('the status filter does not narrow to not-compatible models');
  await page.selectOption('#dash-status', '');
  // Sorting by model path orders the rows.
  await page.click('#dashboard th[data-sort="path"]');
  const paths = await page.$$eval('#dashboard tbody tr', (els) => els.map((e) => e.getAttribute('data-model')));
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (paths.join('\n') !== sorted.join('\n')) problems.push('sorting by model does not order the rows');
  // A row opens that model's own view, and the way back returns to the dashboard.
  const link = page.locator('#dashboard tbody tr[data-status="1"] a').first();
  if ((await link.count()) === 1) {
    await link.click();
    await page.waitForSelector('#graph[data-ready="1"]', { timeout: 30000 });
    facts.push('a row opens its model view');
    await page.click('a.back');
    await page.waitForSelector('#dashboard tbody tr', { timeout: 30000 });
  }
  await page.selectOption('#dash-status', '');
}
