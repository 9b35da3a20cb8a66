// The draft-check page. User text only ever reaches the DOM through textContent and text nodes,
// never as HTML, so a draft containing markup shows literally and runs nothing.
"use strict";

const SHORT = {
  SCARE_QUOTE: "scare quote", LOADED_LANGUAGE: "loaded", NAME_CALLING: "name-calling",
  EXAGGERATION: "exaggeration", DOUBT: "doubt", APPEAL_TO_FEAR: "fear", FLAG_WAVING: "flag-waving",
};
const LEVELS = { "-1": "fewest", "-0.75": "fewer", "-0.5": "fewer", "-0.25": "fewer", "0": "standard",
                 "0.25": "more", "0.5": "more", "0.75": "more", "1": "most" };
const N_COLOURS = 10;

const state = {
  labels: null,        // /api/labels
  text: "",            // the text that was checked
  result: null,        // /api/analyze response
  dismissed: new Set(),
  sensitivity: 0,
  showQuoted: false,   // flags inside attributed quotations (voice "quoted") are hidden by default
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);  // strings become text nodes
  return node;
}

function human(name) {
  const s = name.toLowerCase().replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function shortName(name) { return SHORT[name] || human(name).split(" ")[0].toLowerCase(); }
function colourClass(name) { return "c" + (state.labels.span_labels.findIndex((l) => l.name === name) % N_COLOURS); }
function describe(name) {
  const l = state.labels.span_labels.find((x) => x.name === name);
  return l ? l.description : "";
}
function pct(x) { return Math.round(x * 100) + "%"; }
function flagKey(s) { return `${s.start}:${s.end}:${s.label}`; }
function visibleSpans() {
  return state.result.spans.map((s, id) => ({ ...s, id }))
    .filter((s) => !state.dismissed.has(flagKey(s)) && (state.showQuoted || s.voice !== "quoted"));
}
// a sentence that is mostly an attributed quotation (voice "quoted") reads as the source's, not the writer's:
// it is marked as biased only while quoted words are shown, like the flags inside it
function biasShown(s) { return s.biased && (state.showQuoted || s.voice !== "quoted"); }
function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

function setStatus(message, isError = false) {
  const s = $("status");
  s.textContent = message;
  s.classList.toggle("error", isError);
}

// ---- talking to the server ------------------------------------------------------------
// The API's offsets count code points (Python str offsets); JavaScript strings index UTF-16 code units,
// in which a character outside the BMP (an emoji) takes two. Convert once, where results arrive.
// utf16-offsets-begin
function toUtf16Offsets(result, text) {
  const at = [0];
  let units = 0;
  for (const ch of text) { units += ch.length; at.push(units); }
  const convert = (o) => ({ ...o, start: at[o.start], end: at[o.end] });
  return { ...result, sentences: result.sentences.map(convert), spans: result.spans.map(convert) };
}
// utf16-offsets-end

async function fetchJSON(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : `the server answered ${response.status}`;
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return body;
}

async function analyze(text) {
  const button = $("analyze");
  button.disabled = true;
  button.textContent = "Checking\u2026";
  setStatus("Checking the draft\u2026");
  try {
    const result = await fetchJSON("/api/analyze", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, sensitivity: state.sensitivity }),
    });
    if (text !== state.text) state.dismissed.clear();
    state.text = text;
    state.result = toUtf16Offsets(result, text);
    showResult();
    setStatus(summaryLine());
  } catch (e) {
    setStatus("Could not check the draft: " + e.message, true);
  } finally {
    button.disabled = false;
    button.textContent = "Check draft";
  }
}

// ---- rendering --------------------------------------------------------------------------
// How the page words the bias label (the server says which sentence label it is): BIASED for the default model,
// or a trained label set's own
function sentenceWords() {
  const name = state.labels.bias_label || "BIASED";
  if (name === "BIASED") {
    return { title: "Sentence bias", yes: "reads as biased", no: "reads as neutral", score: "bias",
             count: (k) => `${k === 1 ? "reads" : "read"} as biased`, heading: "Sentences that read as biased" };
  }
  return { title: human(name), yes: `carries ${name}`, no: `does not carry ${name}`, score: name,
           count: () => `carry ${name}`, heading: `Sentences that carry ${name}` };
}

function summaryLine() {
  const spans = visibleSpans();
  const flagged = new Set(spans.map((s) => s.sentence)).size;
  const n = state.result.sentences.length;
  const biased = state.result.sentences.filter(biasShown).length;
  const sentences = `${biased} of ${plural(n, "sentence")} ${sentenceWords().count(biased)}.`;
  if (!state.labels.span_labels.length) return sentences.charAt(0).toUpperCase() + sentences.slice(1);
  return `${plural(spans.length, "flag")} in ${plural(flagged, "sentence")}; ${sentences}`;
}

function showResult() {
  $("input").hidden = true;
  $("output").hidden = false;
  $("edit").hidden = false;
  $("hint").hidden = false;
  $("legend").hidden = false;
  $("copy").disabled = false;
  $("download").disabled = false;
  renderText();
  renderFindings();
}

function renderText() {
  const out = $("output");
  out.replaceChildren();
  const text = state.text;
  const spans = visibleSpans();
  let pos = 0;
  state.result.sentences.forEach((sentence, k) => {
    if (sentence.start > pos) out.append(text.slice(pos, sentence.start));
    const node = el("span", { class: "sentence" + (biasShown(sentence) ? " biased" : "") });
    appendSegments(node, sentence, spans.filter((s) => s.sentence === k));
    out.append(node);
    pos = sentence.end;
  });
  if (pos < text.length) out.append(text.slice(pos));
}

// Spans may overlap; the text is cut at every span edge and each piece is marked with the
// surest span covering it, so a phrase is never drawn twice.
function appendSegments(node, sentence, spans) {
  const text = state.text;
  const cuts = new Set([sentence.start, sentence.end]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const edges = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i], b = edges[i + 1];
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    if (!covering.length) { node.append(text.slice(a, b)); continue; }
    const top = covering.reduce((x, y) => (y.score > x.score ? y : x));
    const mark = el("mark", { class: "flag " + colourClass(top.label) + (top.voice === "quoted" ? " quoted" : ""),
                              "data-span": String(top.id), "data-label": top.label });
    mark.append(text.slice(a, b));
    if (a === top.start) {
      mark.id = "flag-" + top.id;
      mark.tabIndex = 0;
      mark.setAttribute("aria-label",
        `${text.slice(top.start, top.end)}: ${human(top.label)}${top.voice === "quoted" ? " (in a quotation)" : ""}, ` +
        `confidence ${pct(top.score)}`);
    }
    if (b === top.end) mark.dataset.tag = shortName(top.label);
    node.append(mark);
  }
}

function renderLegend() {
  const list = $("legend-list");
  list.replaceChildren();
  for (const l of state.labels.span_labels) {
    list.append(el("li", { title: l.description },
      el("span", { class: "swatch " + colourClass(l.name), "aria-hidden": "true" }),
      el("span", { class: "legend-name", text: human(l.name) })));
  }
  // the sentence label's underline, so that a model that marks sentences only has a legend too
  list.append(el("li", { title: "a sentence the model reads this way (in the writer's voice)" },
    el("span", { class: "swatch sentence-swatch", "aria-hidden": "true" }),
    el("span", { class: "legend-name", text: `Sentence that ${sentenceWords().yes}` })));
}

function renderFindings() {
  const spans = visibleSpans();
  $("summary").textContent = summaryLine();
  const groups = $("groups");
  groups.replaceChildren();
  for (const label of state.labels.span_labels) {
    const mine = spans.filter((s) => s.label === label.name);
    if (!mine.length) continue;
    const list = el("ul", { class: "flags" });
    for (const s of mine) {
      list.append(el("li", {},
        el("button", { type: "button", class: "jump", onclick: () => jumpTo(s.id),
                       "aria-label": `Go to ${human(s.label)} flag on ${s.text}` }, s.text),
        el("span", { class: "confidence", text: pct(s.score) }),
        el("button", { type: "button", class: "dismiss", onclick: () => dismiss(s),
                       "aria-label": `Dismiss ${human(s.label)} flag on ${s.text}`, title: "Dismiss this flag" },
           "\u00d7")));
    }
    groups.append(el("section", { class: "group", "data-label": label.name },
      el("h3", {}, el("span", { class: "swatch " + colourClass(label.name), "aria-hidden": "true" }),
         human(label.name) + " ", el("span", { class: "count", text: `(${mine.length})` })),
      el("p", { class: "description", text: label.description }),
      list));
  }
  // a model that ships no phrase label (the default one) marks sentences only: say so instead of "none found"
  const none = state.labels.span_labels.length ? "No phrases flagged at this sensitivity."
    : "This model marks sentences only: no phrase label reached the precision it must have on news to ship.";
  if (!spans.length) groups.append(el("p", { class: "none", text: none }));

  const biased = state.result.sentences.filter(biasShown);
  $("biased").hidden = !biased.length;
  $("biased-heading").textContent = sentenceWords().heading;
  $("biased-count").textContent = `(${biased.length})`;
  const bl = $("biased-list");
  bl.replaceChildren();
  for (const s of biased) bl.append(el("li", {}, el("span", { class: "confidence", text: pct(s.bias) }), " ", s.text));

  const nDismissed = state.result.spans.filter((s) => state.dismissed.has(flagKey(s))).length;
  $("dismissed").hidden = !nDismissed;
  $("dismissed-text").textContent = `${plural(nDismissed, "flag")} dismissed for this session.`;
}

function jumpTo(id) {
  const mark = $("flag-" + id);
  if (!mark) return;
  mark.scrollIntoView({ block: "center", behavior: "smooth" });
  mark.focus({ preventScroll: true });
}

function dismiss(span) {
  state.dismissed.add(flagKey(span));
  hideTooltip();
  renderText();
  renderFindings();
  setStatus(`Dismissed the ${human(span.label).toLowerCase()} flag on \u201c${span.text}\u201d. ${summaryLine()}`);
}

// ---- tooltip ----------------------------------------------------------------------------
function showTooltip(mark) {
  const span = state.result.spans[Number(mark.dataset.span)];
  const sentence = state.result.sentences[span.sentence];
  const words = sentenceWords();
  const tip = $("tooltip");
  tip.replaceChildren(
    el("div", { class: "tip-label" }, el("span", { class: "swatch " + colourClass(span.label), "aria-hidden": "true" }),
       human(span.label)),
    el("p", { class: "tip-description", text: describe(span.label) }),
    el("dl", {},
      el("dt", { text: "Confidence" }), el("dd", { text: pct(span.score) }),
      el("dt", { text: words.title }),
      el("dd", { text: `${pct(sentence.bias)} (${sentence.biased ? words.yes : words.no})` })),
    el("p", { class: "tip-hint", text: "Press D to dismiss this flag." }));
  tip.hidden = false;
  const first = $("flag-" + span.id) || mark;
  first.setAttribute("aria-describedby", "tooltip");
  const box = mark.getBoundingClientRect();
  const top = window.scrollY + box.bottom + 8;
  const left = Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + window.innerWidth - tip.offsetWidth - 8));
  tip.style.top = top + "px";
  tip.style.left = left + "px";
}
function hideTooltip() { $("tooltip").hidden = true; }

function flagFrom(target) { return target instanceof Element ? target.closest("mark.flag") : null; }

// ---- files ------------------------------------------------------------------------------
async function openFile(file) {
  const name = file.name.toLowerCase();
  try {
    let text;
    if (name.endsWith(".docx")) {
      const body = await file.arrayBuffer();
      text = (await fetchJSON("/api/extract", { method: "POST", body,
                                                headers: { "Content-Type": "application/octet-stream" } })).text;
    } else if (name.endsWith(".txt") || name.endsWith(".md")) {
      text = await file.text();
    } else {
      throw new Error(`${file.name}: open a .txt, .md or .docx file`);
    }
    editMode(text);
    setStatus(`Opened ${file.name}.`);
    await analyze(text);
  } catch (e) {
    setStatus("Could not open the file: " + e.message, true);
  }
}

function editMode(text) {
  hideTooltip();
  $("input").value = text;
  $("input").hidden = false;
  $("output").hidden = true;
  $("edit").hidden = true;
  $("hint").hidden = true;
  $("input").focus();
}

// ---- Markdown export --------------------------------------------------------------------
function mdEscape(s) { return s.replace(/\s+/g, " ").replace(/([\\`*_{}[\]<>#|])/g, "\\$1"); }

function markdown() {
  const spans = visibleSpans();
  const level = LEVELS[String(state.sensitivity)];
  const lines = ["# Framing check", "", summaryLine() + ` Sensitivity: ${level}.`, ""];
  for (const label of state.labels.span_labels) {
    const mine = spans.filter((s) => s.label === label.name);
    if (!mine.length) continue;
    lines.push(`## ${human(label.name)} (${mine.length})`, "", `_${mdEscape(label.description)}_`, "");
    for (const s of mine) {
      const sentence = state.result.sentences[s.sentence];
      lines.push(`- **${mdEscape(s.text)}** (confidence ${s.score.toFixed(2)}) in sentence ${s.sentence + 1}: ` +
                 `\u201c${mdEscape(sentence.text)}\u201d`);
    }
    lines.push("");
  }
  const biased = state.result.sentences.map((s, i) => ({ ...s, i })).filter(biasShown);
  if (biased.length) {
    const words = sentenceWords();
    lines.push(`## ${words.heading} (${biased.length})`, "");
    for (const s of biased) lines.push(`- sentence ${s.i + 1} (${words.score} ${s.bias.toFixed(2)}): \u201c${mdEscape(s.text)}\u201d`);
    lines.push("");
  }
  const nDismissed = state.result.spans.filter((s) => state.dismissed.has(flagKey(s))).length;
  if (nDismissed) lines.push(`_${plural(nDismissed, "flag")} dismissed by the reader._`, "");
  return lines.join("\n");
}

async function copyMarkdown() {
  try {
    await navigator.clipboard.writeText(markdown());
    setStatus("Findings copied as Markdown.");
  } catch (e) {
    setStatus("The browser did not allow copying; use Download Markdown instead.", true);
  }
}

function downloadMarkdown() {
  const url = URL.createObjectURL(new Blob([markdown()], { type: "text/markdown" }));
  const a = el("a", { href: url, download: "framing-findings.md" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- wiring -----------------------------------------------------------------------------
async function init() {
  try {
    state.labels = await fetchJSON("/api/labels");
    renderLegend();
  } catch (e) {
    setStatus("Could not reach the framing server: " + e.message, true);
    return;
  }
  $("analyze").addEventListener("click", () => {
    const text = $("input").hidden ? state.text : $("input").value;
    if (!text.trim()) { setStatus("Paste a draft first.", true); return; }
    analyze(text);
  });
  $("edit").addEventListener("click", () => editMode(state.text));
  $("file").addEventListener("change", (e) => { if (e.target.files.length) openFile(e.target.files[0]); e.target.value = ""; });
  $("sensitivity").addEventListener("change", (e) => {
    state.sensitivity = Number(e.target.value);
    const level = LEVELS[String(state.sensitivity)];
    $("sensitivity-value").textContent = level;
    e.target.setAttribute("aria-valuetext", level);
    if (state.result) analyze(state.text);
  });
  $("show-quoted").addEventListener("change", (e) => {
    state.showQuoted = e.target.checked;
    if (state.result) { renderText(); renderFindings(); }
  });
  $("restore").addEventListener("click", () => { state.dismissed.clear(); renderText(); renderFindings(); });
  $("copy").addEventListener("click", copyMarkdown);
  $("download").addEventListener("click", downloadMarkdown);

  const out = $("output");
  out.addEventListener("mouseover", (e) => { const m = flagFrom(e.target); if (m) showTooltip(m); });
  out.addEventListener("mouseout", (e) => {
    const m = flagFrom(e.target);
    if (m && !m.contains(e.relatedTarget) && document.activeElement !== m) hideTooltip();
  });
  out.addEventListener("focusin", (e) => { const m = flagFrom(e.target); if (m) showTooltip(m); });
  out.addEventListener("focusout", hideTooltip);
  out.addEventListener("keydown", (e) => {
    const m = flagFrom(e.target);
    if (!m) return;
    if (e.key === "Escape") hideTooltip();
    if (e.key === "d" || e.key === "D" || e.key === "Delete") {
      const marks = [...out.querySelectorAll("mark.flag[tabindex='0']")];
      const next = marks[marks.indexOf(m) + 1];
      dismiss(state.result.spans[Number(m.dataset.span)]);
      const target = next && $(next.id);
      if (target) target.focus(); else out.focus();
      e.preventDefault();
    }
  });
}

document.addEventListener("DOMContentLoaded", init);
