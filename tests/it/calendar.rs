//! The calendar: holidays, absences, rotations and departures, through the
//! real binary and the built files.

use cairn::calendar::{LevelTimeline, Stretch, answering};

/// The shared table of cases for `answering` (its JavaScript twin reads the same file).
#[test]
fn answering_agrees_with_the_shared_table_of_cases() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar-cases.json"),
    )
    .unwrap();
    let table: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let timelines: Vec<(LevelTimeline, i64)> = case["levels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let open = l["open"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| Stretch {
                        start: s[0].as_i64().unwrap(),
                        end: s[1].as_i64().unwrap(),
                        duty: s[2].as_str().map(|n| cairn::calendar::Duty {
                            name: Some(n.to_string()),
                            phone: None,
                            email: None,
                            covering_for: None,
                            until: s[1].as_i64().unwrap(),
                            rotation: None,
                        }),
                    })
                    .collect();
                (
                    LevelTimeline {
                        open,
                        closures: Vec::new(),
                    },
                    l["after"].as_i64().unwrap(),
                )
            })
            .collect();
        let levels: Vec<(&LevelTimeline, i64)> = timelines.iter().map(|(t, a)| (t, *a)).collect();
        let at = case["at"].as_i64().unwrap();
        let answer = answering(&levels, at);
        assert_eq!(
            answer.first,
            case["first"].as_u64().map(|n| n as usize),
            "{name}: first"
        );
        let call_at: Vec<Option<i64>> = case["call_at"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64())
            .collect();
        assert_eq!(answer.call_at, call_at, "{name}: call_at");
        let duty: Vec<Option<String>> = case["duty"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect();
        let got: Vec<Option<String>> = (0..levels.len())
            .map(|i| {
                answer
                    .duty(&levels, i, at)
                    .and_then(|s| s.duty.as_ref())
                    .and_then(|d| d.name.clone())
            })
            .collect();
        assert_eq!(got, duty, "{name}: duty");
    }
}
