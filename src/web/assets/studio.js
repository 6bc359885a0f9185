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
  // A number as a Swede types it: "2,5" is two and a half, "1 200" twelve hundred.
  const number = (text) => Number(text.trim().replace(/[\s\u00a0]/g, "").replace(",", "."));

  // Each tab tries its own what-if, and its desk preview shows that one: an id kept
  // for the tab's life (sessionStorage is per tab), sent with every write.
  const tab = (function () {
    let id = sessionStorage.getItem("rosa-flik");
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id || "")) {
      id = Array.from(crypto.getRandomValues(new Uint8Array(8)),
        (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem("rosa-flik", id);
    }
    return id;
  })();
  document.querySelectorAll('a[href="/forhandsvisning/"]').forEach((a) => {
    a.href = "/forhandsvisning/?flik=" + tab;
  });

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Rosa-Token": token, "X-Rosa-Flik": tab },
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
    // A hint that points into the repository's docs is no use in the room: left out.
    const help = d.help && !/docs\//.test(d.help) ? " (" + d.help + ")" : "";
    return { where: d.file + ", " + where, level: level, text: d.code + ": " + d.message + help };
  }

  // What a save did, on the page where it was made: the tests that now fail, with
  // their explanation, and an undo that writes the text before back through the same
  // guarded save. `done` runs after a successful undo.
  function showSaved(box, data, done) {
    box.replaceChildren();
    box.hidden = false;
    const failed = data.tests.failed;
    const head = document.createElement("p");
    const files = "Sparat i " + data.files.join(", ") + ". ";
    if (data.tests.run === 0) {
      head.textContent = files + "Regeluppsättningen har inga tester.";
    } else if (failed.length === 0) {
      head.textContent = files + (data.tests.run === 1 ? "Testet går igenom." : "Alla " + data.tests.run + " tester går igenom.");
    } else {
      head.textContent = files + (failed.length === 1 ? "1 test misslyckas nu:" : failed.length + " tester misslyckas nu:");
    }
    box.className = "test-utfall" + (failed.length === 0 ? " ok" : "");
    box.append(head);
    if (failed.length > 0) {
      const list = document.createElement("ul");
      failed.forEach((t) => {
        const li = document.createElement("li");
        const name = document.createElement("strong");
        name.textContent = t.name;
        li.append(name, " (" + t.location + "): " + t.explanation.join(" "));
        list.append(li);
      });
      box.append(list);
    }
    if (!data.undo || data.undo.length === 0) { return; }
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "angra";
    undo.textContent = "Ångra sparandet";
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      for (const u of data.undo) {
        const result = await post("/api/save", { path: u.path, text: u.text, version: u.version });
        if (!result.ok) {
          head.textContent = "Kunde inte ångra i " + u.path + ": " + result.data.error + ".";
          return;
        }
        done(u.path, result.data);
      }
    });
    box.append(undo);
  }

  // Leaving with what is not saved asks first.
  function guardUnsaved(unsaved) {
    window.addEventListener("beforeunload", (event) => {
      if (unsaved()) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  // One förvaltning's page: what-if, levels and filters.
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
        body.threshold_per_month = number(threshold.value);
      }
      if (goal.value !== goal.dataset.saved && goal.value !== "") {
        body.goal_percent = number(goal.value);
      }
      return body;
    }

    function changedLevels() {
      return levels.filter((s) => s.value !== s.dataset.saved).map((s) => {
        const row = s.closest("tr");
        return { case_type: row.dataset.caseType, part: row.dataset.part || null, level: Number(s.value), version: row.dataset.version };
      });
    }

    // A card's figure, and beside it the figure before with the difference of the two
    // figures as shown (so 50,8 → 50,9 says +0,1, not the unrounded +0,2).
    function card(id, now, before, key, show, unit, rounded) {
      const dd = $(id);
      dd.textContent = show(now);
      const a = now[key];
      const b = before[key];
      if (a === null || b === null || show(now) === show(before)) { return; }
      const diff = rounded(a) - rounded(b);
      const delta = document.createElement("span");
      delta.className = "delta";
      delta.textContent = "före: " + show(before) + (diff !== 0 ? " (" + (diff > 0 ? "+" : "−") + unit(Math.abs(diff)) + ")" : "");
      dd.append(delta);
    }
    const tenths = (n) => Math.round(n * 10) / 10;
    const wholes = (n) => Math.round(n);

    function render(result) {
      const now = result.scenario;
      const before = result.baseline;
      const here = $("prova").dataset.forvaltning;
      const ours = (f) => f.forvaltningar.find((x) => x.id === here) || { share: null, share_text: "–" };
      card("v-forv-andel", ours(now), ours(before), "share", (f) => f.share_text, (d) => sv(d, 1) + " procentenheter", (n) => tenths(n * 100));
      card("v-andel", now, before, "share", (f) => f.share_text, (d) => sv(d, 1) + " procentenheter", (n) => tenths(n * 100));
      card("v-poster", now, before, "fte_total", (f) => sv(f.fte_total, 1), (d) => sv(d, 1), tenths);
      $("v-agenter-rubrik").textContent = now.phone_agents_hour === "peak"
        ? "Telefonagenter i den mest belastade timmen" : "Telefonagenter i en genomsnittlig öppettimme";
      card("v-agenter", now, before, "phone_agents", (f) => f.phone_agents === null ? "–" : String(f.phone_agents), (d) => String(d), wholes);
      card("v-timmar", now, before, "handed_over_hours", (f) => sv(f.handed_over_hours, 0), (d) => sv(d, 0), wholes);
      // As the dry-run says it: with a range, the goal may be reachable.
      const goal = now.meets_goal ? "når målet "
        : now.share_max >= now.goal_share ? "når målet bara om tillräckligt många villkorade kontakter hanteras: "
        : "når inte målet ";
      $("v-sammanfattning").textContent = (result.description ? "Med " + result.description.replace(/^scenario: /, "") + ": " : "Sparad version: ") +
        "kundtjänst hanterar " + now.share_text + " och " + goal + percent(now.goal_share) + ". Räknat på " + sv(result.millis, 0) + " ms.";
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
        share.textContent = f.share_text + (old && old.share_text !== f.share_text ? " (före " + old.share_text + ")" : "");
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
        const blocked = c.blocked_by.length ? " Hindras av: " + c.blocked_by.join("; ") + "." : "";
        const takes = c.would_take.length ? " Det som krävs: " + c.would_take.join("; ") + "." : "";
        li.textContent = c.name + " (nivå " + c.level + "): " + sv(c.hours, 0) + " timmar per år." + blocked + takes;
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

    // The filters: level (as now chosen), outcome, and whether conditions decide.
    const filter = $("filter");
    function applyFilter() {
      const level = $("filter-niva").value;
      const outcome = $("filter-utfall").value;
      const conditional = $("filter-villkor").checked;
      let shown = 0;
      const rows = Array.from(document.querySelectorAll("#arenden tbody tr"));
      rows.forEach((row) => {
        const select = row.querySelector("select.niva");
        const show = (level === "" || select.value === level) &&
          (outcome === "" || row.dataset.utfall.split(" ").includes(outcome)) &&
          (!conditional || row.dataset.villkor === "ja");
        row.hidden = !show;
        if (show) { shown++; }
      });
      $("filtrerat").textContent = shown === rows.length ? "" : "Visar " + shown + " av " + rows.length + ".";
    }
    filter.addEventListener("change", applyFilter);
    filter.addEventListener("submit", (e) => e.preventDefault());

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

    let leaving = false;
    guardUnsaved(() => !leaving && changedLevels().length > 0);
    function reloadWith(message) {
      sessionStorage.setItem("rosa-sparat", JSON.stringify(message));
      leaving = true;
      location.reload();
    }

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
      // The page is drawn again from the files; what the save did is shown there.
      reloadWith({ saved: result.data });
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
      const message = JSON.parse(saved);
      if (message.saved) {
        showSaved($("test-utfall"), message.saved, () => reloadWith({ undone: true }));
      } else if (message.undone) {
        $("spara-status").textContent = "Ångrat: filerna är som före sparandet.";
      }
    }
    recompute();
  }

  // The agreement to sign: the browser prints it (or saves it as PDF).
  document.querySelectorAll("button.utskrift-knapp").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

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
        status.textContent = "";
        showSaved($("ny-test-utfall"), result.data, () => {
          $("ny-test-utfall").hidden = true;
          status.textContent = "Ångrat: filen är som före sparandet.";
        });
        const link = document.createElement("a");
        link.href = part ? "/" : "/forvaltning/" + encodeURIComponent(body.forvaltning);
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

  // The sökord proposals from the desk's search log: each button adds its word to its
  // unit through the same guarded save, with the tests and an undo.
  document.querySelectorAll("button.lagg-till-sokord").forEach((button) => {
    button.addEventListener("click", async () => {
      const status = $("sokord-status");
      const word = button.dataset.word;
      button.disabled = true;
      status.textContent = "Sparar …";
      const result = await post("/api/search-word", {
        case_type: button.dataset.caseType,
        part: button.dataset.part || null,
        word: word,
      });
      if (result.ok) {
        status.textContent = "”" + word + "” är nu ett sökord i " + result.data.files.join(", ") + ".";
        showSaved($("sokord-utfall"), result.data, () => {
          $("sokord-utfall").hidden = true;
          button.disabled = false;
          status.textContent = "Ångrat: filen är som före sparandet.";
        });
        return;
      }
      button.disabled = false;
      status.textContent = "Sparades inte: " + result.data.error + ".";
    });
  });

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
    let savedText = area.value;
    guardUnsaved(() => area.value !== savedText);
    function takeSaved(data) {
      area.value = data.text;
      savedText = data.text;
      fileForm.dataset.version = data.version;
      drawGutter();
      check();
    }
    fileForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "Sparar …";
      const result = await post("/api/save", {
        path: fileForm.dataset.path, text: area.value, version: fileForm.dataset.version,
      });
      if (result.ok) {
        takeSaved(result.data);
        status.textContent = "Sparat.";
        showSaved($("test-utfall"), result.data, (path, data) => {
          takeSaved(data);
          $("test-utfall").hidden = true;
          status.textContent = "Ångrat: filen är som före sparandet.";
        });
        return;
      }
      status.textContent = "Sparades inte: " + result.data.error + ".";
      if (result.data.diagnostics) { showDiagnostics(result.data.diagnostics); }
    });
    check();
    // Opened at a line (`#rad-12`, from a list of errors): the text there, selected.
    const at = /^#rad-(\d+)$/.exec(location.hash);
    if (at) { goToLine(Number(at[1])); }
  }
})();
