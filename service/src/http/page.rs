//! The hall display page: one HTML document with its stylesheet and script inlined (no
//! CDN, no web font: it works on a hall network without internet), filled per request with
//! the branch's name, time zone and the server's time (the page corrects the TV's clock by it
//! and judges from it whether a replayed call is too old to be spoken).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use crate::domain::BranchId;
use crate::hall::{Branch, Hall};

const HTML: &str = include_str!("assets/display.html");
const CSS: &str = include_str!("assets/display.css");
/// In order: the speech queue and the renderer, then the page's script that uses them.
const JS: [&str; 3] = [
    include_str!("assets/speech.js"),
    include_str!("assets/render.js"),
    include_str!("assets/display.js"),
];

/// The document with the stylesheet and the script in place; the per-request fields are
/// still placeholders.
static TEMPLATE: LazyLock<String> = LazyLock::new(|| {
    HTML.replace("/*{{style}}*/", CSS)
        .replace("/*{{script}}*/", &JS.join("\n"))
});

/// The page of `branch`, served at `now` (the service's clock).
pub fn render(branch: &Branch, now: DateTime<Utc>) -> String {
    TEMPLATE
        .replace("{{branch_id}}", &escape(branch.id.as_str()))
        .replace("{{branch_name}}", &escape(&branch.name))
        .replace("{{time_zone}}", &escape(branch.time_zone.name()))
        .replace("{{server_now_ms}}", &now.timestamp_millis().to_string())
        .replace("{{layout}}", &layout_json(branch))
}

/// What the page needs of the layout to keep the wait estimates current between snapshots:
/// each service's seed seconds per person and the windows serving it. `</` is escaped so the
/// JSON cannot end its `<script>` element.
fn layout_json(branch: &Branch) -> String {
    let services: Vec<serde_json::Value> = branch
        .services
        .iter()
        .map(|service| {
            let windows: Vec<u32> = branch
                .windows_serving(&service.id)
                .map(|w| w.number.get())
                .collect();
            serde_json::json!({
                "id": service.id.as_str(),
                "seed_seconds": service.avg_service_seed.as_secs(),
                "windows": windows,
            })
        })
        .collect();
    serde_json::json!({ "services": services })
        .to_string()
        .replace("</", "<\\/")
}

/// `/display`: a list of the branches (or `only` one), each linking to its page with
/// `token`.
pub fn index(hall: &Hall, only: Option<&BranchId>, token: Option<&str>) -> String {
    let query = token.map_or_else(String::new, |t| {
        format!("?token={}", escape(&url_encode(t)))
    });
    let mut items = String::new();
    for branch in hall.branches.values() {
        if only.is_some_and(|only| *only != branch.id) {
            continue;
        }
        let id = escape(branch.id.as_str());
        items.push_str(&format!(
            "<li><a href=\"/display/{id}{query}\">{name}</a> <code>{id}</code></li>\n",
            name = escape(&branch.name)
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>叫号显示屏 · queuecall</title></head>\n<body><h1>叫号显示屏</h1>\n<ul>\n{items}</ul>\n\
         </body></html>\n"
    )
}

/// `text` as a URL query value: unreserved characters as they are, the rest percent-encoded.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Text safe inside HTML text and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("武进区政务服务中心"), "武进区政务服务中心");
    }

    #[test]
    fn the_page_inlines_its_assets_and_fills_every_placeholder() {
        let hall = crate::hall::demo::hall();
        let branch = hall
            .branches
            .values()
            .next()
            .expect("the demo hall has a branch");
        let now = DateTime::parse_from_rfc3339("2026-11-27T01:00:00Z")
            .expect("a valid instant")
            .with_timezone(&Utc);
        let page = render(branch, now);
        assert!(!page.contains("{{"), "a placeholder is left");
        assert!(page.contains(&escape(&branch.name)));
        assert!(page.contains("1795741200000"));
        assert!(page.contains("EventSource"), "the script is inlined");
        assert!(
            !page.contains("http://") && !page.contains("https://"),
            "nothing is loaded from elsewhere"
        );
    }
}
