//! `awsprof profile verify`: prove what a profile may and may not do.

use super::{arrive, print_json, runtime, selected_profile, Context};
use crate::aws::checks::{classify, lookup, Action, Clients, Outcome, ACTIONS};
use crate::aws::errors::CallError;
use crate::aws::tasks::run_all;
use crate::aws::Arrived;
use crate::aws::{ec2_client, sts_client, Creds, Settings};
use crate::cli::VerifyArgs;
use crate::error::{exit, Error, Result};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    Deny,
}

impl Expect {
    fn as_str(self) -> &'static str {
        match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
        }
    }

    fn holds(self, outcome: Outcome) -> bool {
        matches!(
            (self, outcome),
            (Expect::Allow, Outcome::Allowed) | (Expect::Deny, Outcome::Denied)
        )
    }
}

/// What one profile is expected to do.
#[derive(Debug)]
struct Expectations {
    profile: String,
    checks: Vec<(&'static Action, Expect)>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    profiles: BTreeMap<String, PlanProfile>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanProfile {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

struct CheckResult {
    action: &'static Action,
    expect: Expect,
    result: std::result::Result<(), CallError>,
    /// The same check with the chain's base credentials (--compare-source).
    source: Option<std::result::Result<(), CallError>>,
}

fn parse_checks(
    profile: String,
    allow: &[String],
    deny: &[String],
    origin: &str,
) -> Result<Expectations> {
    let mut checks: Vec<(&'static Action, Expect)> = Vec::new();
    for (list, expect) in [(allow, Expect::Allow), (deny, Expect::Deny)] {
        for name in list {
            let action = lookup(name).map_err(|close| {
                let hint = if close.is_empty() {
                    "`awsprof profile verify --list-actions` lists them".to_string()
                } else {
                    format!("did you mean {}?", close.join(", "))
                };
                Error::Usage(format!("{origin}unknown action `{name}`; {hint}"))
            })?;
            if let Some((_, other)) = checks.iter().find(|(a, _)| std::ptr::eq(*a, action)) {
                if *other != expect {
                    return Err(Error::Usage(format!(
                        "{origin}{} is expected both allowed and denied",
                        action.name()
                    )));
                }
                continue;
            }
            checks.push((action, expect));
        }
    }
    Ok(Expectations { profile, checks })
}

fn expectations(args: &VerifyArgs) -> Result<Vec<Expectations>> {
    let mut out = Vec::new();
    if let Some(path) = &args.plan {
        let text = std::fs::read_to_string(path).map_err(|source| Error::File {
            path: path.clone(),
            action: "read the plan",
            source,
        })?;
        let plan: Plan = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            Error::Usage(format!(
                "{}:{}: {}; a plan looks like [profiles.NAME] with allow = [\"ec2:DescribeInstanceTypes\"] and deny = [...]",
                path.display(),
                line.unwrap_or(1),
                e.message()
            ))
        })?;
        for (name, p) in plan.profiles {
            let origin = format!("{}: profile {name}: ", path.display());
            out.push(parse_checks(name, &p.allow, &p.deny, &origin)?);
        }
    }
    if !args.allow.is_empty() || !args.deny.is_empty() || args.plan.is_none() {
        out.push(parse_checks(
            selected_profile(args.name.clone()),
            &args.allow,
            &args.deny,
            "",
        )?);
    }
    if out.iter().all(|e| e.checks.is_empty()) {
        return Err(Error::Usage(
            "nothing to verify: pass --allow ACTION and/or --deny ACTION, or --plan FILE".into(),
        ));
    }
    Ok(out)
}

fn list_actions(ctx: &Context) {
    if ctx.json() {
        let list: Vec<Value> = ACTIONS
            .iter()
            .map(|a| json!({"action": a.name(), "dry_run": a.dry_run}))
            .collect();
        print_json(&Value::Array(list));
        return;
    }
    let mut out = String::new();
    for a in ACTIONS {
        let how = if a.dry_run {
            "mutating, sent with DryRun"
        } else {
            "read-only"
        };
        out.push_str(&format!("{:<40} {how}\n", a.name()));
    }
    crate::out!("{out}");
}

async fn run_checks(
    checks: &[(&'static Action, Expect)],
    creds: &Creds,
    source: Option<&Creds>,
    settings: &Settings,
    concurrency: usize,
) -> Vec<CheckResult> {
    let clients = |c: &Creds| Clients {
        ec2: ec2_client(c, settings),
        sts: sts_client(c, settings),
        region: settings.region.clone(),
    };
    let main = clients(creds);
    let base = source.map(clients);
    let futures: Vec<_> = checks
        .iter()
        .copied()
        .map(|(action, expect)| {
            let (main, base) = (main.clone(), base.clone());
            async move {
                let result = action.call(main).await;
                let source = match base {
                    Some(b) => Some(action.call(b).await),
                    None => None,
                };
                CheckResult {
                    action,
                    expect,
                    result,
                    source,
                }
            }
        })
        .collect();
    // Every requested check has exactly one result: a lost one is an error.
    run_all(futures, concurrency, |index, why| {
        let (action, expect) = checks[index];
        let lost = || {
            Err(CallError {
                code: "CheckLost".into(),
                message: why.clone(),
            })
        };
        CheckResult {
            action,
            expect,
            result: lost(),
            source: source.map(|_| lost()),
        }
    })
    .await
}

struct Report {
    profile: String,
    arrived: Arrived,
    results: Vec<CheckResult>,
}

impl Report {
    fn contradictions(&self) -> usize {
        self.results
            .iter()
            .filter(|r| {
                let o = classify(&r.result);
                o != Outcome::Error && !r.expect.holds(o)
            })
            .count()
    }

    fn errors(&self) -> usize {
        self.results
            .iter()
            .filter(|r| classify(&r.result) == Outcome::Error)
            .count()
    }

    fn passed(&self) -> bool {
        self.contradictions() == 0 && self.errors() == 0
    }

    fn source_label(&self) -> String {
        format!("{} (base)", self.arrived.chain.base.profile)
    }

    fn to_json(&self) -> Value {
        let check = |r: &CheckResult| {
            let (code, message) = match &r.result {
                Ok(()) => (None, None),
                Err(e) => (Some(e.code.clone()), Some(e.message.clone())),
            };
            let mut v = json!({
                "action": r.action.name(),
                "expected": r.expect.as_str(),
                "outcome": classify(&r.result).as_str(),
                "code": code,
                "message": message,
            });
            if let Some(source) = &r.source {
                v["source"] = json!({
                    "outcome": classify(source).as_str(),
                    "code": source.as_ref().err().map(|e| e.code.clone()),
                });
            }
            v
        };
        json!({
            "profile": self.profile,
            "identity": {"arn": self.arrived.identity.arn, "account": self.arrived.identity.account},
            "checks": self.results.iter().map(check).collect::<Vec<_>>(),
            "passed": self.passed(),
        })
    }

    fn to_text(&self) -> String {
        let short = |s: &str| {
            let line = s.lines().next().unwrap_or("");
            if line.chars().count() > 70 {
                format!("{}…", line.chars().take(69).collect::<String>())
            } else {
                line.to_string()
            }
        };
        let mut rows: Vec<Vec<String>> = Vec::new();
        let compare = self.results.iter().any(|r| r.source.is_some());
        let mut header = vec!["ACTION".to_string(), "EXPECTED".into()];
        if compare {
            header.push(self.source_label().to_uppercase());
        }
        header.extend([
            "OUTCOME".into(),
            "RESULT".into(),
            "CODE".into(),
            "MESSAGE".into(),
        ]);
        rows.push(header);
        for r in &self.results {
            let outcome = classify(&r.result);
            let verdict = if outcome == Outcome::Error {
                "ERROR"
            } else if r.expect.holds(outcome) {
                "ok"
            } else {
                "FAIL"
            };
            let (code, message) = match &r.result {
                Ok(()) => ("-".to_string(), String::new()),
                Err(e) => (e.code.clone(), short(&e.message)),
            };
            let mut row = vec![r.action.name(), r.expect.as_str().to_string()];
            if let Some(source) = &r.source {
                row.push(classify(source).as_str().to_string());
            } else if compare {
                row.push(String::new());
            }
            row.extend([
                outcome.as_str().to_string(),
                verdict.to_string(),
                code,
                message,
            ]);
            rows.push(row);
        }
        let mut out = format!(
            "Profile {} as {}\n",
            self.profile, self.arrived.identity.arn
        );
        out.push_str(&crate::commands::table(&rows));
        let total = self.results.len();
        let (failed, errors) = (self.contradictions(), self.errors());
        out.push_str(&format!(
            "{}: {}, {} as expected, {failed} contradicted, {errors} ended in error\n",
            if self.passed() { "PASS" } else { "FAIL" },
            crate::commands::count(total, "check", "checks"),
            total - failed - errors
        ));
        out
    }
}

pub fn run(ctx: &Context, args: VerifyArgs) -> Result<i32> {
    if args.list_actions {
        list_actions(ctx);
        return Ok(exit::OK);
    }
    let plans = expectations(&args)?;
    let rt = runtime()?;
    let reports = rt.block_on(async {
        let mut reports = Vec::new();
        for plan in plans {
            let arrived = arrive(ctx, &plan.profile, &args.aws, |_| {}).await?;
            let last = &arrived.reached.last().expect("reached").creds;
            let source = args.compare_source.then(|| &arrived.reached[0].creds);
            let results = run_checks(
                &plan.checks,
                last,
                source,
                &arrived.settings,
                args.concurrency as usize,
            )
            .await;
            reports.push(Report {
                profile: plan.profile,
                arrived,
                results,
            });
        }
        Ok::<_, Error>(reports)
    })?;
    if ctx.json() {
        if reports.len() == 1 {
            print_json(&reports[0].to_json());
        } else {
            print_json(&json!({
                "profiles": reports.iter().map(Report::to_json).collect::<Vec<_>>(),
                "passed": reports.iter().all(Report::passed),
            }));
        }
    } else {
        let text: Vec<String> = reports.iter().map(Report::to_text).collect();
        crate::out!("{}", text.join("\n"));
    }
    Ok(if reports.iter().any(|r| r.contradictions() > 0) {
        exit::FAILED
    } else if reports.iter().any(|r| r.errors() > 0) {
        exit::AWS
    } else {
        exit::OK
    })
}
