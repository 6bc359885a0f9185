//! Rule authors' markdown (the förvaltningar's manus) as HTML that is safe to put in
//! a page: raw HTML is shown as text, links keep only harmless schemes, images become
//! their alt text, and headings move down so they sit under the page's own.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Render `markdown` as sanitised HTML whose top heading is `<h{top}>`.
pub(crate) fn render(markdown: &str, top: HeadingLevel) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let shift = top as usize - 1;
    let events = Parser::new_ext(markdown, options).filter_map(|event| sanitise(event, shift));
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn sanitise(event: Event<'_>, shift: usize) -> Option<Event<'_>> {
    Some(match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shifted(level, shift),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, shift))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_target(dest_url),
            title,
            id,
        }),
        // The page may load nothing from elsewhere; the alt text inside still shows.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => return None,
        other => other,
    })
}

fn shifted(level: HeadingLevel, shift: usize) -> HeadingLevel {
    let n = (level as usize + shift).min(6);
    HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
}

/// The link's target as the page may carry it: a protocol-relative `//host/…` is
/// written out as the `https://host/…` it would open, so it reads as the external link
/// it is; a target that is not [`safe_url`] becomes `#`.
fn safe_target(url: CowStr<'_>) -> CowStr<'_> {
    let trimmed = url.trim_start();
    if let Some(rest) = trimmed.strip_prefix("//") {
        let external = format!("https://{rest}");
        return if safe_url(&external) {
            CowStr::from(external)
        } else {
            CowStr::Borrowed("#")
        };
    }
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Web, mail and phone links, and links within the page or site; never `javascript:`
/// or `data:`, and never a backslash, which browsers read as `/` (`/\host` opens
/// another site).
fn safe_url(url: &str) -> bool {
    if url.contains('\\') {
        return false;
    }
    let url = url.trim_start();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url[i..].starts_with(':') => {
            let scheme = url[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
        }
        _ => !url.chars().any(char::is_control),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, HeadingLevel::H3)
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let out = html("Hej <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn only_harmless_links_keep_their_target() {
        let out = html(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](data:text/html,x) [d](https://x.se) [e](tel:0123) [f](manus/x.md)",
        );
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        for kept in ["https://x.se", "tel:0123", "manus/x.md"] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
    }

    #[test]
    fn protocol_relative_links_are_written_out_or_refused() {
        let out =
            html("[a](//evil.example/x) [b](/\\\\evil.example) [c](\\\\evil.example) [d](/sida)");
        assert!(out.contains("href=\"https://evil.example/x\""), "{out}");
        assert!(!out.contains("href=\"//"), "{out}");
        assert!(!out.contains('\\'), "{out}");
        assert!(out.contains("href=\"/sida\""), "{out}");
    }

    #[test]
    fn images_become_their_alt_text() {
        let out = html("![Karta över området](https://evil.example/x.png)");
        assert!(!out.contains("evil.example"), "{out}");
        assert!(out.contains("Karta över området"), "{out}");
    }

    #[test]
    fn headings_sit_under_the_page() {
        let out = html("# Manus\n\n## Steg");
        assert!(out.contains("<h3>Manus</h3>"), "{out}");
        assert!(out.contains("<h4>Steg</h4>"), "{out}");
    }

    #[test]
    fn checklists_and_tables_render() {
        let out = html("- [ ] Fråga efter fastighetsbeteckning\n\n| a | b |\n|---|---|\n| 1 | 2 |");
        assert!(out.contains("checkbox"), "{out}");
        assert!(out.contains("<table>"), "{out}");
    }
}
