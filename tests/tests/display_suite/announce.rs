//! The announcements calls carry: the text, the number spelled for speech, the window as a
//! Chinese numeral, recalls said so, English only where the branch enables it.

use queuecall_tests::v1::SnapshotReason;
use queuecall_tests::*;

use super::{at, next_call, watch};

pub async fn announcements_spell_numbers_and_windows_and_say_recalls(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let mut centre = watch(&app, BRANCH).await?;
    centre.snapshot_for(SnapshotReason::Initial).await;
    let mut busy = watch(&app, BUSY_BRANCH).await?;
    busy.snapshot_for(SnapshotReason::Initial).await;

    // Act: A001 called to window 4 and recalled twice; HD001 called to window 3; E001 of the
    // busy branch (English off) called to window 21.
    app.take(SOCIAL).await?;
    app.take(HOUSING).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_RATIO).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.recall(WINDOW_SOCIAL).await?;
    app.recall(WINDOW_SOCIAL).await?;
    app.call(WINDOW_RATIO).await?;
    at::take(&app.api, BUSY_BRANCH, BUSY_SERVICES[0]).await?;
    at::open(&app.api, BUSY_BRANCH, 21).await?;
    at::call_next(&app.api, BUSY_BRANCH, 21).await?;

    // Assert
    let mut calls = Vec::new();
    for _ in 0..4 {
        calls.push(next_call(&mut centre).await);
    }
    let busy_call = next_call(&mut busy).await;
    let texts: Vec<(&str, &str)> = calls
        .iter()
        .chain([&busy_call])
        .map(|c| {
            let a = c.announcement.as_ref().expect("an announcement");
            (a.text.as_str(), a.english.as_str())
        })
        .collect();
    assert_eq!(
        texts,
        [
            (
                "请A001号到4号窗口办理",
                "Number A001, please go to window 4."
            ),
            (
                "再次呼叫：请A001号到4号窗口办理",
                "Calling again: number A001, please go to window 4."
            ),
            (
                "再次呼叫：请A001号到4号窗口办理",
                "Calling again: number A001, please go to window 4."
            ),
            (
                "请HD001号到3号窗口办理",
                "Number HD001, please go to window 3."
            ),
            ("请E001号到21号窗口办理", ""),
        ]
    );
    let speech = &calls[0]
        .announcement
        .as_ref()
        .expect("an announcement")
        .speech;
    assert!(speech.contains("请 A 零 零 一 号"), "{speech:?}");
    assert!(speech.ends_with("到 四 号窗口办理"), "{speech:?}");
    assert_eq!(
        calls.iter().map(|c| c.recall_count).collect::<Vec<_>>(),
        [0, 1, 2, 0]
    );
    for call in &calls {
        assert_announcement(call, true);
    }
    assert_announcement(&busy_call, false);
    assert_eq!(busy_call.window_name, "窗口21");
    assert!(
        busy_call
            .announcement
            .as_ref()
            .is_some_and(|a| a.speech.ends_with("到 二十一 号窗口办理")),
        "{busy_call:?}"
    );
    Ok(())
}
