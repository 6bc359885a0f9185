//! The rows of a tjänsteurval read into förvaltningar, ärendetyper and delmoment, as a
//! person reads them: a förvaltning written once above its rows (or in a merged cell)
//! holds for the rows below, an ärendetyp left empty on a delmoment row is the one
//! above, blank and heading rows are passed over. Every row and every interpreted value
//! goes into the report.

use super::header::{Column, Layout, is_header_like};
use super::read::{Row, Sheet, address};
use super::report::{Kind, Report};
use super::values;
use std::collections::BTreeSet;

/// Where a block came from: the sheet and its 0-based row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub sheet: String,
    pub row: u32,
}

/// A förvaltning, ärendetyp or delmoment: its id, name, rule lines and comments.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub id: String,
    pub name: String,
    pub origin: Origin,
    pub lines: Vec<String>,
    pub comments: Vec<String>,
    pub level: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Type {
    pub head: Unit,
    pub sokord: Vec<String>,
    pub parts: Vec<Unit>,
}

#[derive(Debug, Clone)]
pub(crate) struct Forvaltning {
    pub head: Unit,
    pub forwards: bool,
    pub types: Vec<Type>,
}

/// A manus file a row asks for: its path in the ruleset, title and text.
#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub path: String,
    pub text: String,
}

/// Everything the rows say.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub forvaltningar: Vec<Forvaltning>,
    pub scripts: Vec<Script>,
    /// Every system a row names, as identifiers.
    pub systems: BTreeSet<String>,
    /// The paths in `scripts`.
    pub script_paths: BTreeSet<String>,
    /// Ärendetyp id → förvaltning and index in it.
    pub type_ids: std::collections::HashMap<String, (usize, usize)>,
}

/// The reading state: the förvaltning and ärendetyp the next row belongs to.
struct Reader<'a> {
    sheet: &'a Sheet,
    layout: &'a Layout,
    rows: &'a mut Rows,
    report: &'a mut Report,
    forv: Option<usize>,
    typ: Option<usize>,
}

/// Read one sheet's rows below its header.
pub(crate) fn read_sheet(sheet: &Sheet, layout: &Layout, rows: &mut Rows, report: &mut Report) {
    for (at, note) in &sheet.notes {
        report.add(&sheet.name, at, Kind::Interpreted, note.clone());
    }
    for &(r0, r1, c0, c1) in &sheet.merged {
        if r1 > r0 {
            report.add(
                &sheet.name,
                &format!("{}:{}", address(r0, c0), address(r1, c1)),
                Kind::Interpreted,
                format!(
                    "sammanfogade celler: värdet gäller raderna {}–{}",
                    r0 + 1,
                    r1 + 1
                ),
            );
        }
    }
    let mut reader = Reader {
        sheet,
        layout,
        rows,
        report,
        forv: None,
        typ: None,
    };
    // A sheet without a förvaltning column is one förvaltning: the sheet's.
    if layout.col(Column::Forvaltning).is_none() {
        let origin = Origin {
            sheet: sheet.name.clone(),
            row: layout.header_row.unwrap_or(0),
        };
        reader.forv = Some(reader.forvaltning(&sheet.name, None, origin));
        reader.report.add(
            &sheet.name,
            "bladet",
            Kind::Interpreted,
            format!(
                "ingen förvaltningskolumn: bladets namn `{}` är förvaltningen",
                sheet.name
            ),
        );
    }
    let mut last = None;
    for row in &sheet.rows {
        reader.blank_rows_between(last, row.index);
        last = Some(row.index);
        match layout.header_row {
            Some(h) if row.index == h => {}
            Some(h) if row.index < h => {
                let text = row
                    .cells
                    .iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                reader.say(
                    &format!("rad {}", row.index + 1),
                    Kind::Skipped,
                    format!("ovanför rubrikraden (`{}`)", crate::bounds::bounded(&text)),
                );
            }
            _ => reader.row(row),
        }
    }
}

impl Reader<'_> {
    fn say(&mut self, at: &str, kind: Kind, text: String) {
        self.report.add(&self.sheet.name, at, kind, text);
    }

    fn cell<'r>(&self, row: &'r Row, column: Column) -> &'r str {
        self.layout.col(column).map_or("", |c| row.cell(c).trim())
    }

    /// An id column's cell, if it has one that is an identifier. Any other cell is said
    /// and passed over (the id is then made from the name): an id becomes rule text and
    /// a file name, so a cell like `x "n" {` or `../x` must never reach either.
    fn id_cell<'r>(&mut self, row: &'r Row, column: Column) -> Option<&'r str> {
        let text = self.cell(row, column);
        if text.is_empty() {
            return None;
        }
        if values::is_ident(text) {
            return Some(text);
        }
        let at = self.at(row, column);
        self.say(
            &at,
            Kind::Skipped,
            format!(
                "`{}` är inget id: ett id börjar med en bokstav och har bara bokstäver, siffror, `-` och `_` (högst {} tecken); id:t görs av namnet i stället",
                crate::bounds::bounded(&clean_name(text)),
                values::MAX_ID_BYTES
            ),
        );
        None
    }

    fn at(&self, row: &Row, column: Column) -> String {
        address(row.index, self.layout.col(column).unwrap_or(0))
    }

    fn blank_rows_between(&mut self, last: Option<u32>, next: u32) {
        let first = last.map_or(0, |l| l + 1);
        if next > first {
            let text = if next - first == 1 {
                "tom rad".to_string()
            } else {
                format!("tomma rader ({} st)", next - first)
            };
            let at = if next - first == 1 {
                format!("rad {}", first + 1)
            } else {
                format!("rad {}–{}", first + 1, next)
            };
            self.say(&at, Kind::Skipped, text);
        }
    }

    fn row(&mut self, row: &Row) {
        let line = format!("rad {}", row.index + 1);
        let read_cells = row
            .cells
            .iter()
            .filter(|(c, _)| self.layout.columns.iter().any(|(_, at)| at == c))
            .count();
        if read_cells == 0 {
            let text = row.cells.first().map_or("", |(_, t)| t.as_str());
            self.say(
                &line,
                Kind::Skipped,
                format!(
                    "ingen av de lästa kolumnerna har ett värde (står bara `{}` utanför dem)",
                    crate::bounds::bounded(text)
                ),
            );
            return;
        }
        if is_header_like(row) && self.cell(row, Column::Rosa).parse::<u8>().is_err() {
            self.say(&line, Kind::Skipped, "en upprepad rubrikrad".to_string());
            return;
        }
        let forv_name = self.cell(row, Column::Forvaltning);
        let origin = Origin {
            sheet: self.sheet.name.clone(),
            row: row.index,
        };
        if !forv_name.is_empty() {
            let id = self.id_cell(row, Column::ForvaltningId);
            let index = self.forvaltning(forv_name, id, origin.clone());
            if self.forv != Some(index) {
                self.typ = None;
            }
            self.forv = Some(index);
        }
        let type_name = self.cell(row, Column::Arendetyp);
        let part_name = self.cell(row, Column::Delmoment);
        if type_name.is_empty() && part_name.is_empty() {
            self.heading_row(row, &line, !forv_name.is_empty());
            return;
        }
        let Some(forv) = self.forv else {
            self.say(
                &line,
                Kind::Skipped,
                "ingen förvaltning: raden står före den första förvaltningen och har ingen egen"
                    .to_string(),
            );
            return;
        };
        if forv_name.is_empty() && self.layout.col(Column::Forvaltning).is_some() {
            let name = self.rows.forvaltningar[forv].head.name.clone();
            self.say(
                &self.at(row, Column::Forvaltning),
                Kind::Interpreted,
                format!("tom förvaltning: `{name}` från raden ovanför"),
            );
        }
        let typ = if type_name.is_empty() {
            match self.typ {
                Some(t) => {
                    let name = self.rows.forvaltningar[forv].types[t].head.name.clone();
                    self.say(
                        &self.at(row, Column::Arendetyp),
                        Kind::Interpreted,
                        format!("tom ärendetyp: `{name}` från raden ovanför"),
                    );
                    t
                }
                None => {
                    self.say(
                        &line,
                        Kind::Skipped,
                        "ett delmoment utan ärendetyp: ingen rad ovanför har en".to_string(),
                    );
                    return;
                }
            }
        } else {
            let id = self.id_cell(row, Column::ArendetypId);
            self.arendetyp(forv, type_name, id, origin.clone())
        };
        self.typ = Some(typ);
        if part_name.is_empty() {
            self.type_row(row, &line, forv, typ);
        } else {
            self.part_row(row, &line, forv, typ, part_name, origin);
        }
    }

    /// A row with neither ärendetyp nor delmoment: a förvaltning's own row, or a heading.
    fn heading_row(&mut self, row: &Row, line: &str, has_forv: bool) {
        let Some(forv) = self.forv.filter(|_| has_forv) else {
            let text = row
                .cells
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            self.say(
                line,
                Kind::Skipped,
                format!(
                    "ingen ärendetyp: en rubrik eller anteckning (`{}`)",
                    crate::bounds::bounded(&text)
                ),
            );
            return;
        };
        let mut head = std::mem::replace(&mut self.rows.forvaltningar[forv].head, empty_unit());
        let forwards = self.forward_and_rules(row, &mut head);
        self.channels(row, &mut head, Column::EjKanaler, "ej kanaler");
        for column in [
            Column::Rosa,
            Column::Frekvens,
            Column::System,
            Column::Manus,
            Column::Tid,
            Column::Sokord,
            Column::Sekretess,
            Column::Kanaler,
        ] {
            if !self.cell(row, column).is_empty() {
                self.say(&self.at(row, column), Kind::Skipped, "en förvaltningsrad (utan ärendetyp): värdet hör inte till någon ärendetyp och läses inte".to_string());
            }
        }
        let name = head.name.clone();
        self.rows.forvaltningar[forv].head = head;
        self.rows.forvaltningar[forv].forwards |= forwards;
        self.say(line, Kind::Read, format!("förvaltningen `{name}`"));
    }

    fn type_row(&mut self, row: &Row, line: &str, forv: usize, typ: usize) {
        let mut unit = std::mem::replace(
            &mut self.rows.forvaltningar[forv].types[typ].head,
            empty_unit(),
        );
        let path = unit.id.clone();
        self.unit_cells(row, &mut unit, &path);
        let sokord = self.sokord(row);
        let t = &mut self.rows.forvaltningar[forv].types[typ];
        t.sokord.extend(sokord);
        let text = if unit.level {
            format!("ärendetypen `{}`", unit.name)
        } else {
            format!(
                "ärendetypen `{}` utan nivå: raden gäller ärendetypen om delmoment följer, annars hoppas den över",
                unit.name
            )
        };
        t.head = unit;
        self.say(line, Kind::Read, text);
    }

    fn part_row(
        &mut self,
        row: &Row,
        line: &str,
        forv: usize,
        typ: usize,
        name: &str,
        origin: Origin,
    ) {
        let id_cell = self.id_cell(row, Column::DelmomentId);
        let t = &self.rows.forvaltningar[forv].types[typ];
        let (type_id, type_name) = (t.head.id.clone(), t.head.name.clone());
        let wanted = id_cell.map_or_else(|| values::id_from(name), str::to_string);
        let id = unique(&wanted, |c| t.parts.iter().any(|p| p.id == c));
        if id != wanted {
            self.say(
                line,
                Kind::Interpreted,
                format!("delmomentet `{wanted}` finns redan i ärendetypen; detta får id `{id}`"),
            );
        }
        let mut unit = Unit {
            id,
            name: clean_name(name),
            origin,
            ..empty_unit()
        };
        let path = format!("{type_id}-{}", unit.id);
        self.unit_cells(row, &mut unit, &path);
        if !unit.level {
            self.say(
                line,
                Kind::Skipped,
                format!(
                    "delmomentet `{}` har ingen ROSA-nivå som går att läsa",
                    unit.name
                ),
            );
            return;
        }
        let sokord = self.sokord(row);
        let t = &mut self.rows.forvaltningar[forv].types[typ];
        t.sokord.extend(sokord);
        let text = format!("delmomentet `{}` i `{}`", unit.name, type_name);
        t.parts.push(unit);
        self.say(line, Kind::Read, text);
    }

    /// The statements a unit row gives (level, frekvens, systems, …) into `unit`.
    fn unit_cells(&mut self, row: &Row, unit: &mut Unit, script_name: &str) {
        self.level(row, unit);
        self.frekvens(row, unit);
        self.systems(row, unit);
        self.manus(row, unit, script_name);
        self.channels(row, unit, Column::Kanaler, "kanaler");
        self.channels(row, unit, Column::EjKanaler, "ej kanaler");
        self.sekretess(row, unit);
        self.tid(row, unit);
        self.forward_and_rules(row, unit);
    }

    fn level(&mut self, row: &Row, unit: &mut Unit) {
        let read = self.reading(
            row,
            (Column::Rosa, false),
            values::level,
            "ROSA-nivå (skriv en siffra, t.ex. 3)",
        );
        if let Some(level) = read {
            unit.lines.push(format!("rosa {level}"));
            unit.level = true;
        }
    }

    fn frekvens(&mut self, row: &Row, unit: &mut Unit) {
        let period = self.layout.period;
        let read = self.reading(
            row,
            (Column::Frekvens, true),
            |text| values::frekvens(text, period),
            "frekvens (skriv t.ex. `40 per månad`)",
        );
        if let Some((value, period)) = read {
            unit.lines.push(format!(
                "frekvens {} {}",
                values::show(value),
                period.words()
            ));
        }
    }

    /// A column's value read by `read`, each interpretation said (after the cell's text
    /// when `quoted`); a cell it cannot read is said to be no `what`.
    fn reading<T>(
        &mut self,
        row: &Row,
        (column, quoted): (Column, bool),
        read: impl FnOnce(&str) -> Option<values::Reading<T>>,
        what: &str,
    ) -> Option<T> {
        let text = self.cell(row, column);
        if text.is_empty() {
            return None;
        }
        let at = self.at(row, column);
        let shown = crate::bounds::bounded(text);
        match read(text) {
            Some(reading) => {
                for note in reading.notes {
                    let note = if quoted {
                        format!("`{shown}`: {note}")
                    } else {
                        note
                    };
                    self.say(&at, Kind::Interpreted, note);
                }
                Some(reading.value)
            }
            None => {
                self.say(&at, Kind::Skipped, format!("`{shown}` är ingen {what}"));
                None
            }
        }
    }

    fn systems(&mut self, row: &Row, unit: &mut Unit) {
        let text = self.cell(row, Column::System);
        let at = self.at(row, Column::System);
        let mut names = Vec::new();
        for name in values::list(text) {
            match values::ident(&name) {
                Some(id) => {
                    if id != name {
                        self.say(
                            &at,
                            Kind::Interpreted,
                            format!("systemet `{}` skrivs `{id}`", crate::bounds::bounded(&name)),
                        );
                    }
                    self.rows.systems.insert(id.clone());
                    names.push(id);
                }
                None => self.say(
                    &at,
                    Kind::Skipped,
                    format!("`{}` är inget systemnamn", crate::bounds::bounded(&name)),
                ),
            }
        }
        if !names.is_empty() {
            unit.lines.push(format!("system {}", names.join(", ")));
        }
    }

    fn manus(&mut self, row: &Row, unit: &mut Unit, script_name: &str) {
        let text = self.cell(row, Column::Manus);
        if text.is_empty() {
            return;
        }
        let at = self.at(row, Column::Manus);
        // A row that says yes but gives no words: a heading and an "att skriva" line,
        // listed in the report (issue 24), never taken for a written script.
        let to_write = format!(
            "# {}\n\nManuset är inte skrivet än: skriv här vad kundtjänsten säger och gör.\n",
            unit.name
        );
        let (path, body) = match values::yes_no(text) {
            Some(false) => return,
            Some(true) => (format!("manus/{script_name}.md"), to_write.clone()),
            None if text.ends_with(".md")
                && !text.contains(['"', '\\'])
                && !text.contains(char::is_control)
                && !text.contains("..") =>
            {
                let path = if text.starts_with("manus/") {
                    text.to_string()
                } else {
                    format!("manus/{text}")
                };
                (path, to_write.clone())
            }
            None => {
                self.say(
                    &at,
                    Kind::Interpreted,
                    "manustexten blir manusfilens innehåll".to_string(),
                );
                (
                    format!("manus/{script_name}.md"),
                    format!("# {}\n\n{}\n", unit.name, text.trim()),
                )
            }
        };
        if body == to_write {
            // The row says there is a script but not its words: the file is a stand-in
            // that staff would see, so the report says so for every one.
            self.say(
                &at,
                Kind::ToWrite,
                format!(
                    "`{path}` har bara en rubrik: skriv manuset innan överenskommelsen används"
                ),
            );
        }
        unit.lines.push(format!("manus \"{path}\""));
        if self.rows.script_paths.insert(path.clone()) {
            self.rows.scripts.push(Script { path, text: body });
        }
    }

    fn channels(&mut self, row: &Row, unit: &mut Unit, column: Column, keyword: &str) {
        let text = self.cell(row, column);
        let at = self.at(row, column);
        let mut names = Vec::new();
        for name in values::list(text) {
            match values::ident(&name.to_lowercase()) {
                Some(id) => names.push(id),
                None => self.say(
                    &at,
                    Kind::Skipped,
                    format!("`{}` är ingen kanal", crate::bounds::bounded(&name)),
                ),
            }
        }
        if !names.is_empty() {
            unit.lines.push(format!("{keyword} {}", names.join(", ")));
        }
    }

    fn sekretess(&mut self, row: &Row, unit: &mut Unit) {
        let text = self.cell(row, Column::Sekretess);
        match values::yes_no(text) {
            Some(true) => unit.lines.push("sekretess".to_string()),
            Some(false) => {}
            None => {
                let at = self.at(row, Column::Sekretess);
                self.say(
                    &at,
                    Kind::Interpreted,
                    format!(
                        "`{}` läses som sekretess (ja)",
                        crate::bounds::bounded(text)
                    ),
                );
                unit.lines.push("sekretess".to_string());
            }
        }
    }

    fn tid(&mut self, row: &Row, unit: &mut Unit) {
        let text = self.cell(row, Column::Tid);
        if text.is_empty() {
            return;
        }
        let at = self.at(row, Column::Tid);
        let folded = super::values::fold(text);
        let only_minutes = folded
            .split(' ')
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || w == "min" || w == "ca");
        if only_minutes && let Some(reading) = values::number(text) {
            for note in reading.notes {
                self.say(
                    &at,
                    Kind::Interpreted,
                    format!("`{}`: {note}", crate::bounds::bounded(text)),
                );
            }
            unit.lines
                .push(format!("tid {} min", values::show(reading.value)));
            return;
        }
        match one_line(text) {
            Some(line) => unit.lines.push(format!("tid {line}")),
            None => self.say(
                &at,
                Kind::Skipped,
                format!(
                    "`{}` är ingen tid (skriv t.ex. `4 min, förvaltning 9 min`)",
                    crate::bounds::bounded(text)
                ),
            ),
        }
    }

    /// `vidarekoppla` and the rule lines; true if the row says where to forward.
    fn forward_and_rules(&mut self, row: &Row, unit: &mut Unit) -> bool {
        let mut forwards = false;
        let text = self.cell(row, Column::Vidarekoppla);
        if !text.is_empty() {
            let at = self.at(row, Column::Vidarekoppla);
            let first = super::values::fold(text);
            let written = ["till ", "ko ", "telefon ", "e post "]
                .iter()
                .any(|w| first.starts_with(w));
            match (written, one_line(text)) {
                (true, Some(line)) => {
                    unit.lines.push(format!("vidarekoppla {line}"));
                    forwards = true;
                }
                (false, _) if !text.contains(['"', '\n']) => {
                    self.say(
                        &at,
                        Kind::Interpreted,
                        format!(
                            "`{}` läses som kön frågorna vidarekopplas till",
                            crate::bounds::bounded(text)
                        ),
                    );
                    unit.lines
                        .push(format!("vidarekoppla kö \"{}\"", clean_name(text)));
                    forwards = true;
                }
                _ => self.say(
                    &at,
                    Kind::Skipped,
                    format!(
                        "`{}` går inte att läsa som vidarekoppling",
                        crate::bounds::bounded(text)
                    ),
                ),
            }
        }
        let rules = self.cell(row, Column::Regler);
        let at = self.at(row, Column::Regler);
        for line in rules.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match one_line(line) {
                Some(line) => unit.lines.push(line),
                None => self.say(
                    &at,
                    Kind::Skipped,
                    format!(
                        "regelraden `{}` innehåller `{{` eller `}}` och läses inte",
                        crate::bounds::bounded(line)
                    ),
                ),
            }
        }
        let comment = self.cell(row, Column::Kommentar);
        // Split on a lone CR too: the grammar ends a comment there, so the rest of such
        // a line would be read as a statement.
        unit.comments.extend(
            comment
                .split(['\n', '\r'])
                .map(without_controls)
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
        );
        forwards
    }

    fn sokord(&mut self, row: &Row) -> Vec<String> {
        let text = self.cell(row, Column::Sokord);
        if text.contains('"') {
            return text.split('"').skip(1).step_by(2).map(clean_name).collect();
        }
        values::list(text).iter().map(|w| clean_name(w)).collect()
    }

    fn forvaltning(&mut self, name: &str, id: Option<&str>, origin: Origin) -> usize {
        let wanted = id.map_or_else(|| values::id_from(name), str::to_string);
        if let Some(i) = self
            .rows
            .forvaltningar
            .iter()
            .position(|f| f.head.id == wanted)
        {
            return i;
        }
        self.rows.forvaltningar.push(Forvaltning {
            head: Unit {
                id: wanted,
                name: clean_name(name),
                origin,
                ..empty_unit()
            },
            forwards: false,
            types: Vec::new(),
        });
        self.rows.forvaltningar.len() - 1
    }

    fn arendetyp(&mut self, forv: usize, name: &str, id: Option<&str>, origin: Origin) -> usize {
        let wanted = id.map_or_else(|| values::id_from(name), str::to_string);
        if let Some(&(f, i)) = self.rows.type_ids.get(&wanted)
            && f == forv
        {
            return i;
        }
        // Looked up by id, not by walking every ärendetyp: a sheet has thousands.
        let id = unique(&wanted, |c| self.rows.type_ids.contains_key(c));
        if id != wanted {
            let at = format!("rad {}", origin.row + 1);
            self.say(
                &at,
                Kind::Interpreted,
                format!(
                    "ärendetypen `{wanted}` finns redan i en annan förvaltning; denna får id `{id}`"
                ),
            );
        }
        let types = &mut self.rows.forvaltningar[forv].types;
        self.rows.type_ids.insert(id.clone(), (forv, types.len()));
        types.push(Type {
            head: Unit {
                id,
                name: clean_name(name),
                origin,
                ..empty_unit()
            },
            sokord: Vec::new(),
            parts: Vec::new(),
        });
        types.len() - 1
    }
}

fn empty_unit() -> Unit {
    Unit {
        id: String::new(),
        name: String::new(),
        origin: Origin {
            sheet: String::new(),
            row: 0,
        },
        lines: Vec::new(),
        comments: Vec::new(),
        level: false,
    }
}

/// `wanted`, or `wanted-2`, `wanted-3`, … if taken.
fn unique(wanted: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(wanted) {
        return wanted.to_string();
    }
    (2..)
        .map(|n| format!("{wanted}-{n}"))
        .find(|c| !taken(c))
        .unwrap_or_default()
}

/// A name for a quoted string: one line, no double quotes, no control characters.
fn clean_name(name: &str) -> String {
    without_controls(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('"', "'")
}

/// A cell written as rule-language text: one line, and no braces outside quotes (a brace
/// would open or close a block of its own).
fn one_line(text: &str) -> Option<String> {
    let line = without_controls(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let outside_quotes = line.split('"').step_by(2).collect::<String>();
    (!outside_quotes.contains(['{', '}']) && !line.is_empty()).then_some(line)
}

/// `text` with every control character made a space (a tab or line break separates
/// words; ESC, BEL and a lone CR must reach neither rule text nor a terminal).
fn without_controls(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
