//! The shell every page shares: Swedish, a skip link, the embedded stylesheet.

use crate::html::escape;
use std::fmt::Write;

/// One HTML page.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    /// The `<title>`; also the first words a screen reader says.
    pub title: &'a str,
    /// Scripts under `/assets/`, loaded deferred.
    pub scripts: &'a [&'a str],
    /// Attributes of `<main>` (already escaped), e.g. data for the script.
    pub main_attributes: String,
    /// The header's content (HTML).
    pub header: String,
    /// The main content (HTML).
    pub main: String,
}

impl Page<'_> {
    /// The whole document.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(self.main.len() + 2048);
        out.push_str("<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>{}</title>", escape(self.title));
        out.push_str("<link rel=\"stylesheet\" href=\"/assets/rosa.css\">\n");
        // No favicon request: a page that asks for nothing it does not have.
        out.push_str("<link rel=\"icon\" href=\"data:,\">\n");
        for script in self.scripts {
            let _ = writeln!(
                out,
                "<script src=\"/assets/{}\" defer></script>",
                escape(script)
            );
        }
        out.push_str("</head>\n<body>\n");
        out.push_str("<a class=\"hoppa\" href=\"#innehall\">Hoppa till innehållet</a>\n");
        let _ = writeln!(out, "<header class=\"topp\">{}</header>", self.header);
        let _ = writeln!(
            out,
            "<main id=\"innehall\" tabindex=\"-1\"{}>\n{}\n</main>",
            self.main_attributes, self.main
        );
        out.push_str("</body>\n</html>\n");
        out
    }
}
