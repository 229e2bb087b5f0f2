//! Tokens on HTTP: the display page and its event stream take `?token=` (a display token of
//! that branch, or admin); `/healthz` and `/livez` are open; `/metrics` is open unless
//! `auth.open_metrics` is false, then admin only.

use queuecall_tests::*;
use serde_yaml::Value;

use super::tokens::{self, DISPLAY, KIOSK, UNKNOWN, VILLAGE_DISPLAY};
use crate::web::raw_http::get;

async fn status_of(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> anyhow::Result<u16> {
    let (status, _) = get(app.http_addr, path, headers, |t| {
        t.contains("event: snapshot")
    })
    .await?;
    Ok(status)
}

#[tokio::test]
async fn the_display_page_and_its_stream_need_a_display_token_of_their_branch() -> anyhow::Result<()>
{
    let app =
        spawn_app_configured(AppOptions::new(StoreKind::Embedded), tokens::settings(&[])).await;
    let page = format!("/display/{BRANCH}");
    let events = format!("/display/{BRANCH}/events");
    for path in [&page, &events] {
        let cases = [
            (path.clone(), 401),
            (format!("{path}?token={UNKNOWN}"), 401),
            (format!("{path}?token={KIOSK}"), 403),
            (format!("{path}?token={VILLAGE_DISPLAY}"), 403),
            (format!("{path}?token={DISPLAY}"), 200),
            (with_admin_token(path), 200),
        ];
        for (url, want) in cases {
            assert_eq!(status_of(&app, &url, &[]).await?, want, "{url}");
        }
    }
    let (status, text) = get(
        app.http_addr,
        &format!("{events}?token={DISPLAY}"),
        &[],
        |t| t.contains("event: snapshot"),
    )
    .await?;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("event: snapshot"), "{text}");
    let (_, text) = get(
        app.http_addr,
        &format!("{page}?token={DISPLAY}"),
        &[],
        |_| false,
    )
    .await?;
    assert!(
        text.to_ascii_lowercase()
            .contains("referrer-policy: no-referrer"),
        "the page's URL holds its token: {text}"
    );
    let (_, text) = get(app.http_addr, &format!("{page}?token={KIOSK}"), &[], |_| {
        false
    })
    .await?;
    assert!(
        text.contains("token 'kiosk' (kiosk) may not open the display page"),
        "{text}"
    );
    // The list of pages: a display token sees its own branch, linked with the token.
    assert_eq!(status_of(&app, "/display", &[]).await?, 401);
    assert_eq!(
        status_of(&app, &format!("/display?token={KIOSK}"), &[]).await?,
        403
    );
    let (status, text) = get(
        app.http_addr,
        &format!("/display?token={DISPLAY}"),
        &[],
        |_| false,
    )
    .await?;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains(&format!("href=\"/display/{BRANCH}?token={DISPLAY}\"")),
        "{text}"
    );
    assert!(!text.contains(&format!("/display/{VILLAGE}")), "{text}");
    for open in ["/healthz", "/livez", "/metrics"] {
        assert_eq!(status_of(&app, open, &[]).await?, 200, "{open}");
    }
    Ok(())
}

#[tokio::test]
async fn closed_metrics_take_an_admin_token_only() -> anyhow::Result<()> {
    let settings = tokens::settings(&[("open_metrics", Value::Bool(false))]);
    let app = spawn_app_configured(AppOptions::new(StoreKind::Embedded), settings).await;
    let admin = format!("Bearer {TEST_ADMIN_TOKEN}");
    let kiosk = format!("Bearer {KIOSK}");
    assert_eq!(status_of(&app, "/metrics", &[]).await?, 401);
    assert_eq!(
        status_of(&app, "/metrics", &[("Authorization", &kiosk)]).await?,
        403
    );
    assert_eq!(
        status_of(&app, "/metrics", &[("Authorization", &admin)]).await?,
        200
    );
    assert_eq!(
        status_of(&app, &with_admin_token("/metrics"), &[]).await?,
        200
    );
    assert_eq!(status_of(&app, "/healthz", &[]).await?, 200);
    Ok(())
}
