//! Invariant 6 on the two displays' logs: every connection of the reconnecting display
//! received, in order, exactly the events the staying display received between the point it
//! resumed after (or its snapshot's) and the last event it got.

use super::check::Displays;

/// What was compared, or what was missed.
pub fn resumed_display(d: &Displays) -> Result<String, String> {
    if d.reference.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the staying display received events out of order".to_owned());
    }
    let mut compared = 0usize;
    let mut resumes = 0usize;
    for (k, seg) in d.segments.iter().enumerate() {
        if seg.events.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!("connection {k} received events out of order"));
        }
        let from = seg.snapshot.unwrap_or(seg.resumed_after);
        if seg.events.first().is_some_and(|&first| first <= from) {
            return Err(format!(
                "connection {k} received event {} at or before its start {from}",
                seg.events[0]
            ));
        }
        // Compare up to where both displays got (the staying one may stop a little earlier).
        let reference_last = d.reference.last().copied().unwrap_or(0);
        let got: Vec<u64> = seg
            .events
            .iter()
            .copied()
            .filter(|&id| id <= reference_last)
            .collect();
        let Some(&last) = got.last() else {
            continue;
        };
        if from < d.reference_from {
            continue;
        }
        let expected: Vec<u64> = d
            .reference
            .iter()
            .copied()
            .filter(|&id| id > from && id <= last)
            .collect();
        if expected != got {
            let missing = expected.iter().find(|id| !got.contains(id));
            return Err(match missing {
                Some(id) => format!(
                    "connection {k} (after event {from}) missed event {id} that the staying \
                     display received"
                ),
                None => format!(
                    "connection {k} (after event {from}) received events the staying display \
                     did not"
                ),
            });
        }
        compared += got.len();
        if seg.snapshot.is_none() && seg.resumed_after > 0 {
            resumes += 1;
        }
    }
    if resumes == 0 || compared == 0 {
        return Err(format!(
            "nothing to compare: {resumes} resumes with events, {compared} events compared"
        ));
    }
    Ok(format!(
        "{resumes} resumes, {compared} events matched the staying display's"
    ))
}
