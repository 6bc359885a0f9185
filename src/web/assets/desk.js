// The kommunvägledare's desk. Uses the same HTTP API as case systems:
// GET /v1/{kommunkod}/case-types?q=…, GET /v1/{kommunkod}/case-types/{id},
// POST /v1/{kommunkod}/decisions. The search field is an ARIA 1.2 combobox.
"use strict";

(function () {
  const main = document.getElementById("innehall");
  const kommunkod = main.dataset.kommunkod;
  const api = "/v1/" + encodeURIComponent(kommunkod);
  const $ = (id) => document.getElementById(id);
  const input = $("sok");
  const listbox = $("forslag");
  const status = $("sok-status");

  const CHANNELS = {
    "telefon": "Telefon", "e-post": "E-post", "chatt": "Chatt", "besök": "Besök",
    "webb": "Webbformulär", "brev": "Brev", "sociala-medier": "Sociala medier", "sms": "Sms",
  };
  const HEADLINES = {
    kundtjanst: "Du hanterar ärendet",
    scripted: "Du hanterar ärendet med förvaltningens manus",
    forwarded: "Koppla vidare",
  };

  let hits = [];
  let active = -1;
  let searchTimer = 0;
  let searchSeq = 0;
  let chosen = null;   // { detail, part }
  let decideSeq = 0;

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function showError(text) {
    const box = $("fel");
    box.textContent = text;
    box.hidden = !text;
  }

  async function getJson(url, options) {
    const response = await fetch(url, options);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = body && body.detail ? body.detail : response.statusText;
      throw new Error("Servern svarade " + response.status + ": " + detail);
    }
    return body;
  }

  // The suggestion list.
  function openList(open) {
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) { setActive(-1); }
  }

  function setActive(index) {
    active = index;
    const options = listbox.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function renderHits() {
    listbox.replaceChildren();
    hits.forEach((hit, i) => {
      const option = document.createElement("li");
      option.id = "forslag-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.append(hit.name);
      const who = document.createElement("span");
      who.className = "vem";
      who.textContent = hit.forvaltning;
      option.append(who);
      // mousedown, not click: the field keeps focus and the list stays until chosen.
      option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(i); });
      listbox.append(option);
    });
    status.textContent = hits.length === 0
      ? "Inga förslag. Pröva andra ord."
      : plural(hits.length, "förslag", "förslag") + ". Välj med pil upp och pil ned.";
    openList(hits.length > 0);
  }

  async function search() {
    const text = input.value.trim();
    const seq = ++searchSeq;
    if (!text) { hits = []; openList(false); status.textContent = ""; return; }
    try {
      const found = await getJson(api + "/case-types?limit=8&q=" + encodeURIComponent(text));
      if (seq !== searchSeq) { return; }
      hits = found;
      showError("");
      renderHits();
    } catch (error) {
      if (seq === searchSeq) { showError("Sökningen misslyckades. " + error.message); }
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 120);
  });

  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && hits.length > 0;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open && hits.length > 0) { openList(true); }
        setActive(active + 1 >= hits.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!open && hits.length > 0) { openList(true); }
        setActive(active <= 0 ? hits.length - 1 : active - 1);
        break;
      case "Enter":
        if (open) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        }
        break;
      case "Escape":
        if (open) { event.preventDefault(); openList(false); }
        else { input.value = ""; }
        break;
      default:
        break;
    }
  });

  input.addEventListener("blur", () => openList(false));

  // Choosing an ärendetyp: its delmoment, channels and questions, then the answer.
  async function choose(index) {
    const hit = hits[index];
    if (!hit) { return; }
    input.value = hit.name;
    openList(false);
    try {
      const detail = await getJson(api + "/case-types/" + encodeURIComponent(hit.case_type));
      chosen = { detail: detail, part: hit.part || (detail.parts[0] && detail.parts[0].part) };
      renderCaseType();
      await decide(true);
    } catch (error) {
      showError("Kunde inte hämta ärendetypen. " + error.message);
    }
  }

  function radio(group, value, text, checked) {
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = group;
    radio.value = value;
    radio.checked = checked;
    label.append(radio, text);
    return label;
  }

  function renderCaseType() {
    const detail = chosen.detail;
    $("arende").hidden = false;
    $("arende-rubrik").textContent = detail.name;
    $("arende-forvaltning").textContent = detail.forvaltning_name;

    const parts = $("val-delmoment");
    const partChoices = parts.querySelector(".alternativ");
    partChoices.replaceChildren();
    const named = detail.parts.filter((p) => p.part !== null);
    parts.hidden = named.length === 0;
    named.forEach((p) => partChoices.append(radio("delmoment", p.part, p.name, p.part === chosen.part)));

    const channels = $("val-kanal").querySelector(".alternativ");
    const previous = document.querySelector("input[name=kanal]:checked");
    const keep = previous ? previous.value : "telefon";
    channels.replaceChildren();
    const first = detail.channels.includes(keep) ? keep : detail.channels[0];
    detail.channels.forEach((c) => channels.append(radio("kanal", c, CHANNELS[c] || c, c === first)));
    renderQuestions();
  }

  function currentPart() {
    return chosen.detail.parts.find((p) => p.part === chosen.part) || chosen.detail.parts[0];
  }

  function renderQuestions() {
    const box = $("val-fragor");
    box.replaceChildren();
    currentPart().questions.forEach((q) => box.append(question(q)));
  }

  function question(q) {
    const name = "fraga-" + q.attribute;
    const label = q.attribute.replace(/_/g, " ");
    if (q.kind === "bool") {
      const set = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = "Gäller det " + label + "?";
      const choices = document.createElement("div");
      choices.className = "alternativ";
      choices.append(radio(name, "ja", "Ja", false), radio(name, "nej", "Nej", false),
        radio(name, "", "Vet inte", true));
      set.append(legend, choices);
      return set;
    }
    const wrap = document.createElement("p");
    const lab = document.createElement("label");
    lab.htmlFor = name;
    lab.textContent = label.charAt(0).toUpperCase() + label.slice(1) + (q.kind === "number" ? " (tal)" : "");
    const field = document.createElement("input");
    field.id = name;
    field.name = name;
    field.type = q.kind === "number" ? "number" : "text";
    field.className = "svar-falt";
    wrap.append(lab, document.createElement("br"), field);
    return wrap;
  }

  function attributes() {
    const values = {};
    currentPart().questions.forEach((q) => {
      const name = "fraga-" + q.attribute;
      if (q.kind === "bool") {
        const checked = document.querySelector("input[name='" + name + "']:checked");
        if (checked && checked.value) { values[q.attribute] = checked.value === "ja"; }
        return;
      }
      const field = document.getElementById(name);
      const text = field ? field.value.trim() : "";
      if (!text) { return; }
      if (q.kind === "number") {
        const n = Number(text.replace(",", "."));
        if (Number.isFinite(n)) { values[q.attribute] = n; }
      } else {
        values[q.attribute] = text;
      }
    });
    return values;
  }

  function localTime() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
      "T" + pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  async function decide(moveFocus) {
    const checked = document.querySelector("input[name=kanal]:checked");
    const inquiry = {
      case_type: chosen.detail.case_type,
      channel: checked ? checked.value : undefined,
      time: localTime(),
      attributes: attributes(),
    };
    if (chosen.part) { inquiry.part = chosen.part; }
    const seq = ++decideSeq;
    try {
      const record = await getJson(api + "/decisions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(inquiry),
      });
      if (seq !== decideSeq) { return; }
      showError("");
      renderDecision(record);
      if (moveFocus) { $("svar-rubrik").focus(); }
    } catch (error) {
      showError("Kunde inte avgöra ärendet. " + error.message);
    }
  }

  $("val").addEventListener("change", (event) => {
    if (event.target.name === "delmoment") {
      chosen.part = event.target.value;
      renderQuestions();
    }
    decide(false);
  });
  $("val").addEventListener("submit", (event) => { event.preventDefault(); decide(false); });

  function renderDecision(record) {
    const section = $("svar");
    section.hidden = false;
    section.className = "svar " + record.outcome;
    const target = record.target;
    $("svar-rubrik").textContent = record.outcome === "forwarded" && target
      ? "Koppla vidare till " + target.forvaltning_name
      : HEADLINES[record.outcome];
    $("svar-text").textContent = explanation(record);
    renderTarget(target);
    renderScript(record);
    const list = $("svar-kriterier");
    list.replaceChildren();
    record.criteria.forEach((c) => {
      const item = document.createElement("li");
      item.className = c.passed ? "uppfyllt" : "ej-uppfyllt";
      item.textContent = c.text;
      list.append(item);
    });
    const rule = record.rule;
    $("svar-regel").textContent = rule
      ? "Avgjort av en regel i " + rule.file + ", rad " + rule.line + ": " + rule.condition
      : "";
  }

  function explanation(record) {
    if (record.basis === "condition_error" && currentPart().questions.length > 0) {
      return "Svara på frågorna ovan, så avgörs ärendet. Utan svar kopplas det vidare (" +
        record.error + ").";
    }
    if (record.error) { return "Kopplas vidare: " + record.error + "."; }
    if (record.basis === "agreement") {
      return "Så har förvaltningen och kundtjänst kommit överens om det här ärendet.";
    }
    if (record.basis === "rule") {
      return "En särskild regel för ärendet avgör det här fallet; se Varför.";
    }
    switch (record.outcome) {
      case "kundtjanst": return "Svara direkt. Förvaltningen har lämnat över det här ärendet till kundtjänst.";
      case "scripted": return "Följ förvaltningens manus nedan.";
      default: return "Kundtjänst tar inte det här ärendet i den här kanalen; se Varför.";
    }
  }

  function renderTarget(target) {
    const box = $("svar-vidare");
    box.replaceChildren();
    if (!target) { return; }
    const list = document.createElement("dl");
    list.className = "vidare";
    const add = (term, value, href) => {
      if (!value) { return; }
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      if (href) {
        const link = document.createElement("a");
        link.href = href;
        link.textContent = value;
        dd.append(link);
      } else {
        dd.textContent = value;
      }
      list.append(dt, dd);
    };
    add("Förvaltning", target.forvaltning_name);
    add("Kö", target.queue);
    add("Telefon", target.phone, target.phone ? "tel:" + target.phone.replace(/[^0-9+]/g, "") : null);
    add("E-post", target.email, target.email ? "mailto:" + target.email : null);
    box.append(list);
  }

  function renderScript(record) {
    const box = $("svar-manus");
    const part = currentPart();
    const script = part && part.script;
    const show = script && record.outcome !== "forwarded";
    // The manus is rendered and sanitised by the server (raw HTML shown as text).
    box.innerHTML = show ? script.html : "";
  }
})();
