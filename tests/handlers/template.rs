//! The SAM template stays in step with the code: every function crate is built and deployed
//! by it, and every environment variable the code reads is set there.

use shared::aws::environment::AWS_ENV_VARS;
use shared::calendar::CALENDAR_ENV_VARS;
use shared::settings::SETTINGS_ENV_VARS;
use web_client::WEB_ENV_VARS;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template() -> String {
    std::fs::read_to_string(root().join("infra/template.yaml")).unwrap()
}

/// The text of the template's `Globals` section, where every function's environment is set.
fn globals(template: &str) -> &str {
    let start = template.find("\nGlobals:").expect("a Globals section");
    let end = template[start..]
        .find("\nResources:")
        .expect("a Resources section")
        + start;
    &template[start..end]
}

#[test]
fn every_function_crate_is_built_by_the_template() {
    let template = template();

    for entry in std::fs::read_dir(root().join("functions")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let binary = format!("Binary: {name}\n");
        assert!(
            template.contains(&binary),
            "functions/{name} is not built by the template"
        );
    }
}

#[test]
fn every_environment_variable_the_code_reads_is_set_for_every_function() {
    let template = template();
    let globals = globals(&template);

    let read = AWS_ENV_VARS
        .iter()
        .chain(SETTINGS_ENV_VARS.iter())
        .chain(CALENDAR_ENV_VARS.iter())
        .chain(WEB_ENV_VARS.iter())
        .chain(["METRICS_NAMESPACE"].iter());
    for name in read {
        assert!(
            globals.contains(&format!("        {name}: ")),
            "{name} is not set in Globals"
        );
    }
}

#[test]
fn every_function_runs_on_arm64_al2023_with_the_cargo_lambda_build() {
    let template = template();
    let functions = template.matches("Type: AWS::Serverless::Function").count();

    assert_eq!(
        template.matches("BuildMethod: rust-cargolambda").count(),
        functions
    );
    assert!(globals(&template).contains("Runtime: provided.al2023"));
    assert!(globals(&template).contains("Architectures: [arm64]"));
}

#[test]
fn no_statement_allows_every_action_of_a_service() {
    let template = template();
    let lines: Vec<&str> = template.lines().collect();

    for (i, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("Action"))
    {
        if !line.contains(":*") && !line.contains("\"*\"") {
            continue;
        }
        // Two wildcards are intended: the account administering its own key, and the bucket
        // policy that denies every action over plain HTTP.
        let statement = lines[i.saturating_sub(4)..i].join("\n");
        let administers_the_key = line.contains("\"kms:*\"");
        let denies = statement.contains("Effect: Deny");
        assert!(
            administers_the_key || denies,
            "a wildcard action is allowed: {line}"
        );
    }
}
