// The kommunvägledare's desk. Uses the same HTTP API as case systems:
// GET /v1/{kommunkod}/case-types?q=…, GET /v1/{kommunkod}/case-types/{id},
// POST /v1/{kommunkod}/decisions. The search field is an ARIA 1.2 combobox.
// When the kommun turned the search log on (data-soklogg), the unit staff settle on
// after a search is reported to POST …/search-choices; the server filters the words.
//
// It never answers by default: when the delmoment of an ärendetyp are handled
// differently in the chosen channel, or a rule needs a question answered, the answer
// region says what to choose or ask, and shows no outcome until it is done.
"use strict";

(function () {
  const main = document.getElementById("innehall");
  const kommunkod = main.dataset.kommunkod;
  // The studio previews the desk on the ruleset being edited, under its own base.
  const api = main.dataset.api || "/v1/" + encodeURIComponent(kommunkod);
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
  const STRENGTHS = { "säker": "Säker träff", "möjlig": "Möjlig träff" };

  let hits = [];
  let active = -1;
  let searchTimer = 0;
  let searchSeq = 0;
  // { detail, suggested, part, picked }: `picked` when staff chose the delmoment,
  // else `part` is the one shown because every delmoment is handled alike.
  let chosen = null;
  let decideSeq = 0;
  // The choice to report to the search log, sent once staff have settled on it.
  let pendingChoice = null;
  let choiceTimer = 0;
  const SETTLE_MS = 1500;

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

  // Between calls: the previous answer goes, the field is ready for the next words.
  function clearAnswer() {
    decideSeq++;
    chosen = null;
    $("arende").hidden = true;
    $("svar").hidden = true;
    $("inga-traffar").hidden = true;
    showError("");
  }

  // A choice counts once staff stay with it a moment (a wrong click corrected at
  // once is not reported) or move on to the next call. An ärendetyp with delmoment
  // waits for the call's end: a delmoment picked before then replaces it.
  function settle(words, caseType, part, untilCallEnds) {
    if (!main.dataset.soklogg || !words) { return; }
    clearTimeout(choiceTimer);
    pendingChoice = { q: words, case_type: caseType, part: part };
    if (!untilCallEnds) { choiceTimer = setTimeout(reportChoice, SETTLE_MS); }
  }

  // Fire and forget: the log is the kommun's, never something staff must see fail.
  function reportChoice() {
    clearTimeout(choiceTimer);
    const choice = pendingChoice;
    pendingChoice = null;
    if (!choice) { return; }
    fetch(api + "/search-choices", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(choice),
      keepalive: true,
    }).catch(() => {});
  }
  window.addEventListener("pagehide", reportChoice);

  function newCall() {
    reportChoice();
    clearTimeout(searchTimer);
    searchSeq++;
    clearAnswer();
    input.value = "";
    hits = [];
    openList(false);
    status.textContent = "";
    input.focus();
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

  function renderHits(text) {
    listbox.replaceChildren();
    hits.forEach((hit, i) => {
      const option = document.createElement("li");
      option.id = "forslag-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.caseType = hit.case_type;
      if (hit.part) { option.dataset.part = hit.part; }
      option.append(hit.name);
      const strength = STRENGTHS[hit.strength];
      if (strength) {
        const badge = document.createElement("span");
        badge.className = "styrka " + (hit.strength === "säker" ? "saker" : "mojlig");
        badge.textContent = strength;
        option.append(" ", badge);
      }
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
    renderNoHit(hits.length === 0 ? text : "");
    openList(hits.length > 0);
  }

  // No suggestion is said where it is seen, with what to do next.
  function renderNoHit(text) {
    const box = $("inga-traffar");
    box.hidden = !text;
    if (!text) { return; }
    $("inga-traffar-text").textContent = "Inga förslag för ”" + text +
      "”. Pröva andra ord för vad ärendet gäller, till exempel ”soptunna” eller ”bygglov”.";
    const reserv = main.dataset.reservForvaltning;
    const how = [main.dataset.reservKo && "kö " + main.dataset.reservKo,
      main.dataset.reservTelefon && "telefon " + main.dataset.reservTelefon,
      main.dataset.reservEpost && "e-post " + main.dataset.reservEpost].filter(Boolean);
    $("inga-traffar-reserv").textContent = reserv
      ? "Hittar du ingen ärendetyp: koppla vidare till " + reserv +
        (how.length ? " (" + how.join(", ") + ")" : "") + "."
      : "";
  }

  async function search() {
    const text = input.value.trim();
    const seq = ++searchSeq;
    if (!text) { hits = []; openList(false); status.textContent = ""; renderNoHit(""); return; }
    try {
      const found = await getJson(api + "/case-types?limit=8&q=" + encodeURIComponent(text));
      if (seq !== searchSeq) { return; }
      hits = found;
      showError("");
      renderHits(text);
    } catch (error) {
      if (seq === searchSeq) { showError("Sökningen misslyckades. " + error.message); }
    }
  }

  input.addEventListener("input", () => {
    // A new search: the previous caller's answer must not stay on screen.
    clearAnswer();
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
      default:
        break;
    }
  });

  // Esc closes the list when it is open; otherwise it starts a new call, wherever the
  // focus is.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") { return; }
    event.preventDefault();
    if (!listbox.hidden && hits.length > 0) { openList(false); return; }
    newCall();
  });

  $("ny-fraga").addEventListener("click", newCall);
  input.addEventListener("blur", () => openList(false));

  // Choosing an ärendetyp: its delmoment, channels and questions, then the answer.
  async function choose(index) {
    const hit = hits[index];
    if (!hit) { return; }
    openList(false);
    reportChoice();
    const words = input.value.trim();
    try {
      const detail = await getJson(api + "/case-types/" + encodeURIComponent(hit.case_type));
      chosen = { detail: detail, suggested: hit.part || null, part: null, picked: false, words: words };
      settle(words, hit.case_type, null, named(detail).length > 0);
      if (named(detail).length === 0) { chosen.part = null; chosen.picked = true; }
      renderCaseType();
      await update(true);
    } catch (error) {
      showError("Kunde inte hämta ärendetypen. " + error.message);
    }
  }

  function named(detail) { return detail.parts.filter((p) => p.part !== null); }

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
    const list = named(detail);
    parts.hidden = list.length === 0;
    list.forEach((p) => {
      const label = radio("delmoment", p.part, p.name, false);
      if (p.part === chosen.suggested) {
        // Highlighted, not applied: staff confirm it.
        label.classList.add("foreslaget");
        const note = document.createElement("span");
        note.className = "foreslaget-text";
        note.textContent = "passar sökningen bäst";
        label.append(" ", note);
      }
      partChoices.append(label);
    });

    const channels = $("val-kanal").querySelector(".alternativ");
    const previous = document.querySelector("input[name=kanal]:checked");
    const keep = previous ? previous.value : "telefon";
    channels.replaceChildren();
    const first = detail.channels.includes(keep) ? keep : detail.channels[0];
    detail.channels.forEach((c) => channels.append(radio("kanal", c, CHANNELS[c] || c, c === first)));
    renderQuestions();
  }

  function currentPart() {
    if (!chosen) { return null; }
    return chosen.detail.parts.find((p) => p.part === chosen.part) || chosen.detail.parts[0];
  }

  function renderQuestions() {
    const box = $("val-fragor");
    box.replaceChildren();
    if (chosen.part === null && named(chosen.detail).length > 0) { return; }
    currentPart().questions.forEach((q) => box.append(question(q)));
  }

  // The question as staff ask it: the attribute's declared question when the ruleset
  // gives one, else its name in words.
  function questionText(q) {
    if (q.text) { return q.text; }
    const words = q.attribute.replace(/[_-]/g, " ");
    const label = words.charAt(0).toUpperCase() + words.slice(1);
    return q.kind === "bool" ? label + "?" : label;
  }

  function question(q) {
    const name = "fraga-" + q.attribute;
    if (q.kind === "bool") {
      const set = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = questionText(q);
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
    lab.textContent = questionText(q);
    const field = document.createElement("input");
    field.id = name;
    field.name = name;
    field.type = "text";
    if (q.kind === "number") { field.inputMode = "decimal"; }
    field.className = "svar-falt";
    wrap.append(lab, document.createElement("br"), field);
    return wrap;
  }

  function attributes() {
    const values = {};
    const part = currentPart();
    if (!part) { return values; }
    part.questions.forEach((q) => {
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
        const n = Number(text.replace(/\s/g, "").replace(",", "."));
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

  function channel() {
    const checked = document.querySelector("input[name=kanal]:checked");
    return checked ? checked.value : undefined;
  }

  function decideOne(part, values) {
    const inquiry = {
      case_type: chosen.detail.case_type,
      channel: channel(),
      time: localTime(),
      attributes: values,
    };
    if (part !== null) { inquiry.part = part; }
    return getJson(api + "/decisions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(inquiry),
    });
  }

  // Where a decision sends the caller: equal records mean staff need not choose.
  function sameHandling(a, b) {
    const where = (r) => r.target ? [r.target.forvaltning, r.target.queue].join("/") : "";
    return a.outcome === b.outcome && where(a) === where(b);
  }

  function waitsForAnswer(record, part) {
    return record.basis === "condition_error" && part && part.questions.length > 0;
  }

  // Decides what the screen can show now: the delmoment to choose, the questions to
  // ask, or the answer.
  async function update(moveFocus) {
    const seq = ++decideSeq;
    try {
      if (!chosen.picked) {
        chosen.part = null;
        const parts = named(chosen.detail);
        const records = await Promise.all(parts.map((p) => decideOne(p.part, {})));
        if (seq !== decideSeq) { return; }
        const alike = records.every((r, i) => !waitsForAnswer(r, parts[i]) &&
          r.basis !== "condition_error" && sameHandling(r, records[0]));
        if (!alike) {
          renderPartChoice(parts.length);
          showError("");
          return;
        }
        const shown = parts.findIndex((p) => p.part === chosen.suggested);
        chosen.part = parts[shown >= 0 ? shown : 0].part;
        checkPart(chosen.part);
        partHelp("Alla delmoment hanteras likadant i den här kanalen.");
        renderQuestions();
      }
      const record = await decideOne(chosen.part, attributes());
      if (seq !== decideSeq) { return; }
      showError("");
      const part = currentPart();
      if (waitsForAnswer(record, part)) {
        renderWaiting(part.questions.length);
      } else {
        renderDecision(record);
      }
      if (moveFocus) { $("svar-rubrik").focus(); }
    } catch (error) {
      if (seq === decideSeq) { showError("Kunde inte avgöra ärendet. " + error.message); }
    }
  }

  function checkPart(part) {
    document.querySelectorAll("input[name=delmoment]").forEach((r) => { r.checked = r.value === part; });
  }

  function partHelp(text) {
    const help = $("val-delmoment-hjalp");
    help.textContent = text;
    help.hidden = !text;
  }

  $("val").addEventListener("change", (event) => {
    if (!chosen) { return; }
    if (event.target.name === "delmoment") {
      chosen.part = event.target.value;
      chosen.picked = true;
      settle(chosen.words, chosen.detail.case_type, chosen.part, false);
      partHelp("");
      renderQuestions();
    }
    update(false);
  });
  $("val").addEventListener("submit", (event) => { event.preventDefault(); if (chosen) { update(false); } });

  // The answer region while something must be chosen or asked first: no outcome.
  function renderPending(heading, text) {
    const section = $("svar");
    section.hidden = false;
    section.className = "svar vantar";
    $("svar-rubrik").textContent = heading;
    $("svar-text").textContent = text;
    ["svar-innehall", "svar-vidare", "svar-manus"].forEach((id) => $(id).replaceChildren());
    $("svar-lankar").hidden = true;
    $("svar-varfor").hidden = true;
  }

  function renderPartChoice(count) {
    partHelp("Delmomenten hanteras olika. Välj det som invånaren frågar om" +
      (chosen.suggested ? "; det markerade passar sökningen bäst." : "."));
    renderPending("Välj delmoment",
      "Ärendetypen har " + plural(count, "delmoment", "delmoment") +
      " som hanteras olika i den här kanalen. Välj delmoment ovan, så visas svaret.");
  }

  function renderWaiting(count) {
    renderPending(count === 1 ? "Ställ frågan först" : "Ställ frågorna först",
      (count === 1 ? "Svara på frågan ovan" : "Svara på frågorna ovan") +
      ", så visas svaret. Kan invånaren inte svara kopplas ärendet vidare.");
  }

  function renderDecision(record) {
    const section = $("svar");
    section.hidden = false;
    section.className = "svar " + record.outcome;
    const target = record.target;
    $("svar-rubrik").textContent = record.outcome === "forwarded" && target
      ? "Koppla vidare till " + target.forvaltning_name
      : HEADLINES[record.outcome];
    const part = currentPart();
    $("svar-text").textContent = sentence(record, part);
    renderContent(record, part);
    renderTarget(record.outcome === "forwarded" ? target : null);
    renderScript(record, part);
    renderReasons(record);
  }

  // What staff are told, as a sentence: the rule's own explanation when the API gives
  // one, else the kind of decision in words.
  function sentence(record, part) {
    if (record.rule && record.rule.explanation) { return record.rule.explanation; }
    if (record.basis === "condition_error") {
      return "Det går inte att avgöra ärendet här; koppla vidare.";
    }
    if (record.basis === "agreement") {
      return "Så har förvaltningen och kundtjänst kommit överens om det här ärendet.";
    }
    if (record.basis === "rule") {
      return "En särskild regel för ärendet avgör det här fallet.";
    }
    switch (record.outcome) {
      case "kundtjanst":
        return part && part.answer
          ? "Svara invånaren med hjälp av svaret nedan."
          : "Svara direkt. Förvaltningen har lämnat över det här ärendet till kundtjänst.";
      case "scripted": return "Följ förvaltningens manus nedan.";
      default: return "Förvaltningen handlägger ärendet. Koppla vidare till dem.";
    }
  }

  // Direct handling: the answer itself and the kommun's own pages.
  function renderContent(record, part) {
    const box = $("svar-innehall");
    const links = $("svar-lankar");
    box.replaceChildren();
    links.replaceChildren();
    const direct = record.outcome === "kundtjanst" && part;
    // The answer is rendered and sanitised by the server (raw HTML shown as text).
    if (direct && part.answer && part.answer.html) { box.innerHTML = part.answer.html; }
    const list = direct && Array.isArray(part.links) ? part.links : [];
    list.forEach((l) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = l.url;
      link.textContent = l.title || l.url;
      item.append(link);
      links.append(item);
    });
    links.hidden = list.length === 0;
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
    add("Öppettider", target.hours);
    box.append(list);
  }

  function renderScript(record, part) {
    const box = $("svar-manus");
    const script = part && part.script;
    const show = script && record.outcome === "scripted";
    // The manus is rendered and sanitised by the server (raw HTML shown as text).
    box.innerHTML = show ? script.html : "";
  }

  // "Varför?": the reasons as sentences; where in the rules, only for rule authors.
  function renderReasons(record) {
    $("svar-varfor").hidden = false;
    const said = $("svar-skal");
    said.replaceChildren();
    (record.rules_tried || []).forEach((r) => {
      if (!r.explanation) { return; }
      const item = document.createElement("li");
      item.textContent = r.explanation;
      said.append(item);
    });
    const list = $("svar-kriterier");
    list.replaceChildren();
    record.criteria.forEach((c) => {
      const item = document.createElement("li");
      item.className = c.passed ? "uppfyllt" : "ej-uppfyllt";
      item.textContent = c.text;
      list.append(item);
    });
    const rules = $("svar-regler");
    rules.replaceChildren();
    const add = (text) => {
      const item = document.createElement("li");
      item.textContent = text;
      rules.append(item);
    };
    if (record.rule) {
      add("Avgjort av regeln i " + record.rule.file + ", rad " + record.rule.line + ": " +
        record.rule.condition);
    }
    (record.rules_tried || []).forEach((r) => {
      if (record.rule && r.file === record.rule.file && r.line === record.rule.line) { return; }
      add("Prövad: " + r.file + ", rad " + r.line + (r.reason ? " (" + r.reason + ")" : ""));
    });
    if (record.error) { add("Fel: " + record.error); }
    $("svar-forfattare").hidden = rules.children.length === 0;
  }

  input.focus();
})();
