// rosa studio: the live what-if and level editing on the agreement page, and the
// rule-file editor checked as one types. Writes carry the page's session token.
"use strict";

(function () {
  const main = document.getElementById("innehall");
  const token = main.dataset.token;
  const $ = (id) => document.getElementById(id);
  const sv = (n, decimals) => n.toLocaleString("sv-SE",
    { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const percent = (share) => sv(share * 100, 1) + " %";

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Rosa-Token": token },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({ error: response.statusText }));
    return { ok: response.ok, status: response.status, data: data };
  }

  function debounce(fn, ms) {
    let timer = 0;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function diagnosticText(d) {
    const where = d.line ? "rad " + d.line + (d.column ? ", kolumn " + d.column : "") : d.file;
    const level = d.severity === "error" ? "fel" : "varning";
    return { where: d.file + ", " + where, level: level,
      text: d.code + ": " + d.message + (d.help ? " (" + d.help + ")" : "") };
  }

  // The agreement page: what-if and levels.
  const trialForm = $("prova-form");
  if (trialForm) {
    const levels = Array.from(document.querySelectorAll("select.niva"));
    let seq = 0;

    function trial() {
      const systems = Array.from(trialForm.querySelectorAll("input[name=system]:checked")).map((c) => c.value);
      const threshold = $("frekvensgrans");
      const goal = $("mal");
      const body = { grant_systems: systems, set_levels: changedLevels() };
      if (threshold.value !== threshold.dataset.saved && threshold.value !== "") {
        body.threshold_per_month = Number(threshold.value);
      }
      if (goal.value !== goal.dataset.saved && goal.value !== "") {
        body.goal_percent = Number(goal.value);
      }
      return body;
    }

    function changedLevels() {
      return levels.filter((s) => s.value !== s.dataset.saved).map((s) => {
        const row = s.closest("tr");
        return { case_type: row.dataset.caseType, part: row.dataset.part || null, level: Number(s.value) };
      });
    }

    function card(id, now, before, format, unit) {
      const dd = $(id);
      dd.textContent = format(now);
      if (before !== now && before !== null && now !== null) {
        const delta = document.createElement("span");
        delta.className = "delta";
        const diff = now - before;
        delta.textContent = "före: " + format(before) + (unit ? " (" + (diff > 0 ? "+" : "−") + unit(Math.abs(diff)) + ")" : "");
        dd.append(delta);
      }
    }

    function render(result) {
      const now = result.scenario;
      const before = result.baseline;
      card("v-andel", now.share, before.share, percent, (d) => sv(d * 100, 1) + " procentenheter");
      card("v-poster", now.fte_total, before.fte_total, (n) => sv(n, 1), (d) => sv(d, 1));
      $("v-agenter-rubrik").textContent = now.phone_agents_hour === "peak"
        ? "Telefonagenter i den mest belastade timmen" : "Telefonagenter i en genomsnittlig öppettimme";
      card("v-agenter", now.phone_agents, before.phone_agents, (n) => n === null ? "–" : String(n), (d) => String(d));
      card("v-timmar", now.handed_over_hours, before.handed_over_hours, (n) => sv(n, 0), (d) => sv(d, 0));
      const goal = now.meets_goal ? "når målet " : "når inte målet ";
      $("v-sammanfattning").textContent = (result.description ? "Med " + result.description.replace(/^scenario: /, "") + ": " : "Sparad version: ") +
        "kundtjänst hanterar " + percent(now.share) + " och " + goal + percent(now.goal_share) + ". Räknat på " + sv(result.millis, 0) + " ms.";
      const rows = $("v-forvaltningar");
      rows.replaceChildren();
      now.forvaltningar.forEach((f, i) => {
        const tr = document.createElement("tr");
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = f.name;
        const share = document.createElement("td");
        share.className = "tal";
        const old = before.forvaltningar[i];
        share.textContent = percent(f.share) + (old && old.share !== f.share ? " (före " + percent(old.share) + ")" : "");
        const hours = document.createElement("td");
        hours.className = "tal";
        hours.textContent = sv(f.handed_over_hours, 0);
        tr.append(th, share, hours);
        rows.append(tr);
      });
      const list = $("v-kandidater");
      list.replaceChildren();
      now.candidates.forEach((c) => {
        const li = document.createElement("li");
        li.textContent = c.name + " (nivå " + c.level + "): " + sv(c.hours, 0) + " timmar per år. Hindras av: " +
          c.blocked_by.join("; ") + ". Det som krävs: " + c.would_take.join("; ") + ".";
        list.append(li);
      });
    }

    async function recompute() {
      const mine = ++seq;
      levels.forEach((s) => s.classList.toggle("andrad", s.value !== s.dataset.saved));
      $("spara-nivaer").disabled = changedLevels().length === 0;
      const result = await post("/api/what-if", trial());
      if (mine !== seq) { return; }
      if (!result.ok) {
        $("v-sammanfattning").textContent = "Kunde inte räkna: " + result.data.error;
        return;
      }
      render(result.data);
    }

    const soon = debounce(recompute, 120);
    trialForm.addEventListener("input", soon);
    trialForm.addEventListener("change", soon);
    trialForm.addEventListener("submit", (e) => { e.preventDefault(); recompute(); });
    levels.forEach((s) => s.addEventListener("change", soon));

    $("aterstall").addEventListener("click", () => {
      trialForm.reset();
      levels.forEach((s) => { s.value = s.dataset.saved; });
      recompute();
    });

    $("spara-nivaer").addEventListener("click", async () => {
      const status = $("spara-status");
      const changes = changedLevels();
      status.textContent = "Sparar …";
      const result = await post("/api/levels", { changes: changes });
      if (!result.ok) {
        const details = (result.data.diagnostics || []).map((d) => {
          const t = diagnosticText(d);
          return t.where + ": " + t.text;
        });
        status.textContent = "Sparades inte: " + result.data.error + (details.length ? ". " + details.join(" ") : "");
        return;
      }
      sessionStorage.setItem("rosa-sparat", "Sparat i " + result.data.files.join(", ") + ".");
      location.reload();
    });

    document.querySelectorAll("button.fast").forEach((button) => {
      button.addEventListener("click", async () => {
        const row = button.closest("tr");
        const status = row.querySelector(".fast-status");
        const channel = row.querySelector("select.test-kanal").value;
        status.textContent = " Fäster …";
        const result = await post("/api/pin", {
          case_type: row.dataset.caseType, part: row.dataset.part || null, channel: channel,
        });
        status.textContent = result.ok
          ? " Testet ”" + result.data.test + "” finns nu i " + result.data.file + "."
          : " Fästes inte: " + result.data.error + ".";
      });
    });

    const saved = sessionStorage.getItem("rosa-sparat");
    if (saved) {
      sessionStorage.removeItem("rosa-sparat");
      $("spara-status").textContent = saved;
    }
    recompute();
  }

  // The form for a new ärendetyp or delmoment.
  const newForm = $("ny");
  if (newForm) {
    const kind = () => newForm.querySelector("input[name=slag]:checked").value;
    newForm.addEventListener("change", () => {
      const part = kind() === "delmoment";
      $("ny-arendetyp-rad").hidden = !part;
      $("ny-forvaltning-rad").hidden = part;
    });
    newForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const part = kind() === "delmoment";
      const id = $("ny-id").value.trim();
      const frekvens = $("ny-frekvens").value;
      const body = {
        forvaltning: $("ny-forvaltning").value,
        case_type: part ? $("ny-arendetyp").value : id,
        part: part ? id : null,
        name: $("ny-namn").value.trim(),
        level: Number($("ny-niva").value),
        frekvens_per_month: frekvens === "" ? null : Number(frekvens),
        systems: Array.from(newForm.querySelectorAll("input[name=system]:checked")).map((c) => c.value),
      };
      const status = $("ny-status");
      const list = $("ny-diagnoser");
      list.replaceChildren();
      status.textContent = "Sparar …";
      const result = await post("/api/add", body);
      if (result.ok) {
        status.textContent = "Sparat i " + result.data.files.join(", ") + ". ";
        const link = document.createElement("a");
        link.href = "/#f-" + (part ? "" : body.forvaltning);
        link.textContent = "Se överenskommelsen";
        status.append(link);
        return;
      }
      status.textContent = "Sparades inte: " + result.data.error + ".";
      (result.data.diagnostics || []).forEach((d) => {
        const t = diagnosticText(d);
        const li = document.createElement("li");
        li.textContent = t.where + ": " + t.text;
        list.append(li);
      });
    });
  }

  // The rule-file editor.
  const fileForm = $("fil");
  if (fileForm) {
    const area = $("regeltext");
    const gutter = $("radnummer");
    const list = $("diagnoser");
    let marks = new Map();

    // Line numbers beside the text, the lines with findings marked (fel before varning).
    function drawGutter() {
      const lines = area.value.split("\n").length;
      gutter.replaceChildren();
      for (let n = 1; n <= lines; n++) {
        const line = document.createElement("span");
        const mark = marks.get(n);
        line.className = mark || "";
        line.textContent = (mark === "fel-rad" ? "✗ " : mark ? "! " : "") + n + "\n";
        gutter.append(line);
      }
      gutter.scrollTop = area.scrollTop;
    }
    area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });
    area.addEventListener("input", drawGutter);
    const status = $("fil-status");
    let seq = 0;

    function goToLine(line) {
      const lines = area.value.split("\n");
      let offset = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) { offset += lines[i].length + 1; }
      area.focus();
      area.setSelectionRange(offset, offset + (lines[line - 1] || "").length);
    }

    function showDiagnostics(diagnostics) {
      list.replaceChildren();
      const here = diagnostics.filter((d) => d.file === fileForm.dataset.path);
      marks = new Map();
      here.forEach((d) => {
        for (let n = d.line || 1; n <= (d.end_line || d.line || 1); n++) {
          if (marks.get(n) !== "fel-rad") { marks.set(n, d.severity === "error" ? "fel-rad" : "varning-rad"); }
        }
      });
      drawGutter();
      const elsewhere = diagnostics.length - here.length;
      if (here.length === 0) {
        const li = document.createElement("li");
        li.textContent = "Inga fel eller varningar i den här filen.";
        list.append(li);
      }
      here.forEach((d) => {
        const t = diagnosticText(d);
        const li = document.createElement("li");
        const level = document.createElement("span");
        level.className = d.severity === "error" ? "fel-rad" : "varning-rad";
        level.textContent = (t.level === "fel" ? "Fel" : "Varning") + " på ";
        const link = document.createElement("button");
        link.type = "button";
        link.className = "lanklik";
        link.textContent = "rad " + (d.line || 1);
        link.addEventListener("click", () => goToLine(d.line || 1));
        li.append(level, link, ": " + t.text);
        list.append(li);
      });
      if (elsewhere > 0) {
        const li = document.createElement("li");
        li.textContent = elsewhere === 1 ? "1 varning eller fel i andra filer." : elsewhere + " varningar eller fel i andra filer.";
        list.append(li);
      }
    }

    async function check() {
      const mine = ++seq;
      const result = await post("/api/check", { path: fileForm.dataset.path, text: area.value });
      if (mine !== seq) { return; }
      if (result.ok) { showDiagnostics(result.data.diagnostics); }
      else { status.textContent = result.data.error; }
    }

    area.addEventListener("input", debounce(check, 250));
    fileForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "Sparar …";
      const result = await post("/api/save", {
        path: fileForm.dataset.path, text: area.value, version: fileForm.dataset.version,
      });
      if (result.ok) {
        area.value = result.data.text;
        fileForm.dataset.version = result.data.version;
        status.textContent = "Sparat.";
        showDiagnostics([]);
        check();
        return;
      }
      status.textContent = "Sparades inte: " + result.data.error + ".";
      if (result.data.diagnostics) { showDiagnostics(result.data.diagnostics); }
    });
    check();
  }
})();
